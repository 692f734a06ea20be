package contract

import (
	"fmt"
	"strconv"
	"strings"
)

// jsonPath renders instance-location segments as a JSONPath: all-digit
// segments become indexes, plain names use dot notation, anything else
// bracket notation.
func jsonPath(segs []string) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, seg := range segs {
		b.WriteString(pathSegment(seg))
	}
	return b.String()
}

func pathSegment(seg string) string {
	if seg != "" && strings.Trim(seg, "0123456789") == "" {
		return "[" + seg + "]"
	}
	return childPath(seg)
}

// childPath is the JSONPath step to an object member: dot notation for
// plain names, bracket notation for anything else.
func childPath(name string) string {
	if plainName(name) {
		return "." + name
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "']"
}

// plainName reports whether name matches [A-Za-z_$][A-Za-z0-9_$-]*.
func plainName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '$':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// pathStack builds JSONPaths incrementally while walking a tree, and renders
// one only when it is needed: the walks visit every member of a page, but
// report almost none.
type pathStack struct {
	base string
	segs []pathSeg
}

type pathSeg struct {
	name  string
	index int // used when name is ""
}

func (p *pathStack) pushName(n string) { p.segs = append(p.segs, pathSeg{name: n}) }
func (p *pathStack) pushIndex(i int)   { p.segs = append(p.segs, pathSeg{index: i}) }
func (p *pathStack) pop()              { p.segs = p.segs[:len(p.segs)-1] }

// String renders the current path.
func (p *pathStack) String() string {
	var b strings.Builder
	b.WriteString(p.base)
	for _, s := range p.segs {
		if s.name == "" {
			b.WriteString(indexPath(s.index))
		} else {
			b.WriteString(childPath(s.name))
		}
	}
	return b.String()
}

func indexPath(i int) string { return "[" + strconv.Itoa(i) + "]" }

// wildcardPath replaces every array index of a path ("[" digits "]") with
// [*], in one pass: its cost is linear in the path, which can be 10,000
// steps long (a regular expression's replace is quadratic there, since it
// resets its state for every match).
func wildcardPath(p string) string {
	var b strings.Builder
	done := 0 // p[:done] is written to b
	for i := 0; i < len(p); i++ {
		if p[i] != '[' {
			continue
		}
		if i+1 < len(p) && p[i+1] == '\'' {
			i = skipQuoted(p, i+2) // a member name: its brackets are not indexes
			continue
		}
		j := i + 1
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		if j == i+1 || j == len(p) || p[j] != ']' {
			continue
		}
		if done == 0 {
			b.Grow(len(p))
		}
		b.WriteString(p[done:i])
		b.WriteString("[*]")
		done = j + 1
		i = j
	}
	if done == 0 {
		return p
	}
	b.WriteString(p[done:])
	return b.String()
}

// StablePath replaces every array index of a finding path with [*]: the
// form every finding's Path takes, so that keys (a baseline entry, a metric
// label) do not change with the number of items on a page. A path with no
// index is returned as it is.
func StablePath(p string) string { return wildcardPath(p) }

// skipQuoted returns the index of the closing quote of the bracket name
// that starts at p[i] (just after "['"), honouring backslash escapes; the
// end of p when the name is unterminated.
func skipQuoted(p string, i int) int {
	for ; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '\'':
			return i
		}
	}
	return len(p)
}

// collapse merges findings with the same id and the same path up to array
// indexes, and gives every finding its stable path (StablePath): 250 items
// missing one field give one finding at $.data[*].field that says how many
// and where the first one is, and one item missing it gives one finding at
// the same path that says where it is.
func collapse(fs []Finding) []Finding {
	type key struct{ id, path string }
	index := map[key]int{}
	counts := []int{}
	firsts := []string{}
	var out []Finding
	for _, f := range fs {
		k := key{f.ID, wildcardPath(f.Path)}
		if i, ok := index[k]; ok {
			counts[i]++
			continue
		}
		index[k] = len(out)
		out = append(out, f)
		counts = append(counts, 1)
		firsts = append(firsts, f.Path)
	}
	for i := range out {
		stable := wildcardPath(out[i].Path)
		switch {
		case counts[i] > 1:
			out[i].Message += " (" + strconv.Itoa(counts[i]) + " occurrences; the first at " + boundPath(firsts[i]) + ")"
		case stable != firsts[i]:
			out[i].Message += " (at " + boundPath(firsts[i]) + ")"
		}
		out[i].Path = stable
	}
	return out
}

// PathStep is one step of a finding's JSONPath: an object member (Name), an
// array index (Index, when IsIndex), or every item of an array (Wildcard).
type PathStep struct {
	Name     string
	Index    int
	IsIndex  bool
	Wildcard bool
}

// ParsePath reads a body path as findings write it ("$.data[*].email",
// "$['odd.key'][0]"): the inverse of how the checker renders them. It
// refuses anything else, such as a header or status path.
func ParsePath(p string) ([]PathStep, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("path %q is not a body path (it does not start with $)", p)
	}
	var steps []PathStep
	for i := 1; i < len(p); {
		switch {
		case p[i] == '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("path %q: empty member name at byte %d", p, i)
			}
			steps = append(steps, PathStep{Name: p[i+1 : j]})
			i = j
		case strings.HasPrefix(p[i:], "[*]"):
			steps = append(steps, PathStep{Wildcard: true})
			i += 3
		case strings.HasPrefix(p[i:], "['"):
			var name strings.Builder
			j := i + 2
			for ; j < len(p) && p[j] != '\''; j++ {
				if p[j] == '\\' && j+1 < len(p) {
					j++
				}
				name.WriteByte(p[j])
			}
			if !strings.HasPrefix(p[j:], "']") {
				return nil, fmt.Errorf("path %q: unterminated bracket name at byte %d", p, i)
			}
			steps = append(steps, PathStep{Name: name.String()})
			i = j + 2
		case p[i] == '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("path %q: unterminated index at byte %d", p, i)
			}
			n, err := strconv.Atoi(p[i+1 : i+j])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("path %q: bad index %q", p, p[i+1:i+j])
			}
			steps = append(steps, PathStep{Index: n, IsIndex: true})
			i += j + 1
		default:
			return nil, fmt.Errorf("path %q: unexpected %q at byte %d", p, p[i], i)
		}
	}
	return steps, nil
}
