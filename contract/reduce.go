package contract

import (
	"hash/maphash"
	"strconv"
	"strings"
)

// reduce returns a view of tree in which every array keeps only the first
// item of each distinct shape, and, for each reduced array (keyed by its path
// in the view, under base), the original indexes each representative stands
// for. Objects along the way are copied only when something below them was
// reduced; nothing in tree is modified.
//
// An item's shape is its JSON kind and, for objects, its member names with
// their shapes; for arrays, the set of their items' shapes. Two items of the
// same shape get the same strict-mode verdict whenever the schema has no
// polymorphism under the array, which is what responseSpec.reducible
// records.
func reduce(tree any, base string) (any, map[string][][]int) {
	r := reducer{groups: map[string][][]int{}, path: pathStack{base: base}}
	v, _, _ := r.walk(tree, 0)
	return v, r.groups
}

type reducer struct {
	groups map[string][][]int
	path   pathStack
}

var shapeSeed = maphash.MakeSeed()

// Shape tags for scalars; objects and arrays mix their contents in.
const (
	shapeNull uint64 = iota + 1
	shapeBool
	shapeNumber
	shapeString
	shapeObject
	shapeArray
)

const maxReduceDepth = 64

// walk returns the reduced value, its shape, and whether it differs from v.
func (r *reducer) walk(v any, depth int) (any, uint64, bool) {
	if depth > maxReduceDepth {
		return v, shapeObject ^ uint64(depth), false // too deep to matter; keep as is
	}
	switch x := v.(type) {
	case map[string]any:
		h := shapeObject
		var copied map[string]any
		for k, child := range x {
			r.path.pushName(k)
			rc, cs, changed := r.walk(child, depth+1)
			r.path.pop()
			// Order-independent: a sum of per-member mixes.
			h += mix(maphash.String(shapeSeed, k) ^ cs*0x9E3779B97F4A7C15)
			if changed {
				if copied == nil {
					copied = make(map[string]any, len(x))
					for kk, vv := range x {
						copied[kk] = vv
					}
				}
				copied[k] = rc
			}
		}
		if copied != nil {
			return copied, h, true
		}
		return x, h, false
	case []any:
		h := shapeArray
		var reps []any
		var groups [][]int
		seen := map[uint64]int{}
		changed := false
		for i, item := range x {
			// Items are reduced under their representative's future index, so
			// nested groups are keyed by paths that exist in the view.
			r.path.pushIndex(len(reps))
			ri, is, c := r.walk(item, depth+1)
			r.path.pop()
			if g, ok := seen[is]; ok {
				groups[g] = append(groups[g], i)
				changed = true
				continue
			}
			seen[is] = len(reps)
			reps = append(reps, ri)
			groups = append(groups, []int{i})
			h += mix(is)
			changed = changed || c
		}
		if !changed {
			return x, h, false
		}
		r.groups[r.path.String()] = groups
		return reps, h, true
	case string:
		return v, shapeString, false
	case float64, int, int64:
		return v, shapeNumber, false
	case bool:
		return v, shapeBool, false
	case nil:
		return v, shapeNull, false
	default:
		return v, shapeObject + 7, false
	}
}

// mix is a 64-bit finaliser (from splitmix64), so that summed member hashes
// do not cancel out.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// expansion finds, in a strict-mode path of the reduced view, the
// outermost reduced array and returns the path before its index, the
// original indexes of every item the representative at that index stands
// for, and the path after the index. Deeper indexes keep the
// representative's. items is nil when no reduced array is on the path.
func expansion(p string, groups map[string][][]int) (prefix string, items []int, suffix string) {
	if len(groups) == 0 {
		return p, nil, ""
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '[' || i+1 >= len(p) || p[i+1] < '0' || p[i+1] > '9' {
			continue
		}
		end := strings.IndexByte(p[i:], ']')
		if end < 0 {
			break
		}
		g, ok := groups[p[:i]]
		if !ok {
			continue
		}
		rep, err := strconv.Atoi(p[i+1 : i+end])
		if err != nil || rep >= len(g) {
			break
		}
		return p[:i], g[rep], p[i+end+1:]
	}
	return p, nil, ""
}
