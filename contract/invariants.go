package contract

import (
	"net/http"
	"net/url"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// pageFacts is what the cross-page invariants need from one list page.
type pageFacts struct {
	offset int   // the request's offset
	ids    []int // in page order
	total  int
}

// invariants runs layer 4: what no schema can say. It reads the typed value
// the generated client decoded (layer 3) rather than walking the tree again;
// if that decode failed, layer 3 has already reported it.
func (s *check) invariants() {
	if m, ok := s.tree.(map[string]any); ok {
		if code, ok := m["code"].(float64); ok && code != float64(s.ex.Response.Status) {
			s.add(IDCodeStatusMismatch, "$.code", "the body's code is %v but the HTTP status is %d", code, s.ex.Response.Status)
		}
	}
	switch v := s.typed.(type) {
	case *tokensapi.TokenList:
		s.listPage(v)
	case *tokensapi.CreateTokenResult:
		jwt := secrets.JWTChecker{}
		for i, t := range v.Data {
			if !jwt.Valid(t.Token) {
				s.add(IDTokenNotJWT, "$.data"+indexPath(i)+".token", "the token is not a JWT (three base64url segments, the first two JSON objects)")
			}
		}
	}
}

func (s *check) listPage(v *tokensapi.TokenList) {
	if s.ex.Response.Status != http.StatusOK {
		return
	}
	req := requestPaging(s.url, s.c.paging)
	pg := v.Meta.Pagination
	// Read pagination only where the JSON has it: a missing one decodes to
	// zeros, and the schema layer has already reported it.
	hasPagination := member(s.tree, "meta", "pagination") != nil
	if req.ok && hasPagination {
		if len(v.Data) > req.limit {
			s.add(IDPageOverLimit, "$.data", "the page holds %d tokens but the request's limit is %d", len(v.Data), req.limit)
		}
		if pg.Limit != req.limit {
			s.add(IDPaginationEcho, "$.meta.pagination.limit", "meta.pagination.limit is %d but the request asked for %d%s",
				pg.Limit, req.limit, defaultNote(s.url, "limit"))
		}
		if pg.Offset != req.offset {
			s.add(IDPaginationEcho, "$.meta.pagination.offset", "meta.pagination.offset is %d but the request asked for %d%s",
				pg.Offset, req.offset, defaultNote(s.url, "offset"))
		}
	}
	seen := make(map[int]int, len(v.Data))
	facts := &pageFacts{offset: req.offset, ids: make([]int, len(v.Data)), total: pg.TotalCount}
	jwt := secrets.JWTChecker{}
	for i, t := range v.Data {
		if j, dup := seen[t.ID]; dup {
			s.add(IDDuplicateID, "$.data"+indexPath(i)+".id", "id %d appears again; it is also at $.data[%d]", t.ID, j)
		} else {
			seen[t.ID] = i
		}
		facts.ids[i] = t.ID
		if !jwt.Valid(t.Token) {
			s.add(IDTokenNotJWT, "$.data"+indexPath(i)+".token", "the token is not a JWT (three base64url segments, the first two JSON objects)")
		}
	}
	if req.ok && hasPagination {
		s.page = facts
	}
}

// IsWrite reports whether res is a successful write: a 2xx answer to an
// operation of the contract whose method changes the store's tokens (POST,
// PUT, PATCH or DELETE). PageTracker starts a new sequence after one.
func IsWrite(res *Result) bool {
	return !res.Skipped && res.Operation != "" && res.Status >= 200 && res.Status <= 299 && IsWriteMethod(res.Method)
}

// IsWriteMethod reports whether an HTTP method (in upper case) is one that
// changes the store's tokens: POST, PUT, PATCH or DELETE.
func IsWriteMethod(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// member walks object members of a generic tree; nil when absent.
func member(tree any, names ...string) any {
	for _, n := range names {
		m, ok := tree.(map[string]any)
		if !ok {
			return nil
		}
		tree = m[n]
	}
	return tree
}

// defaultNote explains, for an absent parameter, where the expected value
// came from.
func defaultNote(u *url.URL, name string) string {
	if u.Query().Has(name) {
		return ""
	}
	return " (absent, so the documented default)"
}

// PageTracker holds the state of the cross-page invariants over the exchanges of
// one run (one recording file, one live session): an id seen at two
// different absolute positions, and a totalCount that changes. Overlapping
// pages are normal: the same id at the same position is not a duplicate, and
// a successful write between pages starts a new sequence (see Observe).
// A PageTracker is not safe for concurrent use; feed it results in request order.
type PageTracker struct {
	positions   map[int]position
	sources     []string // position.source indexes it
	total       int
	totalSource string
	hasTotal    bool
}

type position struct {
	abs    int
	source int32 // in PageTracker.sources
}

// NewPageTracker starts an empty tracker.
func NewPageTracker() *PageTracker {
	return &PageTracker{}
}

// Observe applies the cross-page invariants to res, a result from
// Checker.Check, against the pages observed before it, and appends any
// findings to res.Findings. A successful write (a 2xx to a POST or DELETE
// operation) ends the sequence: creating or deleting a token changes the
// count and shifts the ids, so the pages after it are compared with each
// other, not with the pages before it.
func (r *PageTracker) Observe(res *Result) {
	if IsWrite(res) {
		*r = PageTracker{}
		return
	}
	p := res.page
	if p == nil {
		return
	}
	res.page = nil // observed once: the tracker keeps what it needs
	var fs []Finding
	if !r.hasTotal {
		r.total, r.totalSource, r.hasTotal = p.total, res.Source, true
		// The first page says how many ids the walk will see.
		r.positions = make(map[int]position, min(max(p.total, len(p.ids)), 1<<16))
	} else if p.total != r.total {
		fs = append(fs, newFinding(IDTotalCountChanged, "$.meta.pagination.totalCount", res.Source,
			"totalCount is %d here but was %d in %s", p.total, r.total, r.totalSource))
	}
	src := int32(len(r.sources))
	r.sources = append(r.sources, res.Source)
	inPage := make(map[int]bool, len(p.ids))
	for i, id := range p.ids {
		if inPage[id] {
			continue // a duplicate within the page: duplicate-id reports it
		}
		inPage[id] = true
		abs := p.offset + i
		prev, seen := r.positions[id]
		switch {
		case !seen:
			r.positions[id] = position{abs, src}
		case prev.abs != abs:
			fs = append(fs, newFinding(IDDuplicateIDAcross, "$.data"+indexPath(i)+".id", res.Source,
				"id %d is at position %d here and at position %d in %s", id, abs, prev.abs, r.sources[prev.source]))
		}
	}
	if len(fs) == 0 {
		return
	}
	fs = collapse(fs)
	// Cross-page messages hold ids, positions and sources only; the generic
	// scrub still runs as a last line of defence.
	scrubFindings(fs, secrets.NewScrubber())
	res.Findings = append(res.Findings, fs...)
	sortFindings(res.Findings)
}
