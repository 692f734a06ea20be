package upstream

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
)

// overlayAction is the Overlay action that would make this contract say
// what the vendor's newest document says about change c, for the kinds an
// action can absorb without inventing a schema: a status documented or no
// longer documented, a sunset date, the deprecated flag, the security
// requirement and a parameter's bounds and default. nil for the others.
func overlayAction(c Change, id string, ours *openapi3.T, source string) *overlay.Action {
	method, path, _ := strings.Cut(c.Operation, " ")
	opTarget := fmt.Sprintf("$.paths['%s'].%s", path, strings.ToLower(method))
	why := &overlay.Reason{Finding: id, Operation: c.Operation, Path: c.Where(), Sources: []string{source}}
	a := &overlay.Action{Target: opTarget, Why: why}
	var op *openapi3.Operation
	if ours.Paths != nil {
		if item := ours.Paths.Value(path); item != nil {
			op = item.GetOperation(method)
		}
	}
	if op == nil {
		return nil // the contract lacks the operation: adding one is a design decision
	}
	// Values from the vendor's document go into the overlay only when the
	// secrets policy finds nothing in them (contract.Scrub) and they are what
	// they claim to be: a status code, a date, scheme names.
	if contract.Scrub(c.After, nil) != c.After || contract.Scrub(c.Item, nil) != c.Item {
		return nil
	}
	switch c.Kind {
	case KindStatus:
		if !statusPattern.MatchString(c.Item) {
			return nil
		}
		if c.After == "" {
			a.Target = fmt.Sprintf("%s.responses['%s']", opTarget, c.Item)
			a.Remove = true
			why.Breaking = true
			a.Description = fmt.Sprintf("The vendor no longer documents %s for %s: drop it (a breaking change of the spec).", c.Item, c.Operation)
			return a
		}
		a.Target = opTarget + ".responses"
		a.Update = map[string]any{c.Item: map[string]any{
			"description":       "Documented by the vendor; describe its body from the vendor's document or from recorded traffic.",
			"x-contract-source": "documented",
		}}
		a.Description = fmt.Sprintf("The vendor now documents %s for %s.", c.Item, c.Operation)
		return a
	case KindSunset:
		if !isDate(c.After) {
			return nil
		}
		a.Update = map[string]any{"x-sunset": c.After}
		a.Description = fmt.Sprintf("The vendor gives %s a sunset date; with x-sunset the spec-diff gate enforces it.", c.Operation)
		return a
	case KindDeprecated:
		a.Update = map[string]any{"deprecated": c.After == "true"}
		a.Description = fmt.Sprintf("The vendor's deprecated flag of %s is now %s.", c.Operation, c.After)
		return a
	case KindSecurity:
		if !securityNames(c.After) {
			return nil
		}
		a.Update = map[string]any{"security": securityValue(c.After)}
		a.Description = fmt.Sprintf("The vendor's security requirement of %s is now %s.", c.Operation, c.After)
		why.Breaking = true
		return a
	case KindParameter:
		if c.Before == "" || c.After == "" {
			return nil // a parameter added or removed needs a description written
		}
		in, name, _ := strings.Cut(c.Item, " ")
		for i, p := range op.Parameters {
			if p == nil || p.Value == nil || p.Value.In != in || p.Value.Name != name {
				continue
			}
			target := fmt.Sprintf("%s.parameters[%d].schema", opTarget, i)
			if ref, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				target = fmt.Sprintf("$.components.parameters['%s'].schema", ref)
			}
			update := bounds(c.After)
			if len(update) == 0 {
				return nil
			}
			a.Target = target
			a.Update = update
			a.Description = fmt.Sprintf("The vendor's %s parameter %s of %s is now: %s.", in, name, c.Operation, c.After)
			return a
		}
	}
	return nil
}

var (
	statusPattern = regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)
	// Scheme names joined by "+", alternatives by " | " (their length is
	// checked apart: a counted repetition compiles to a large program).
	securityPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+([+][A-Za-z0-9._-]+)*( [|] [A-Za-z0-9._-]+([+][A-Za-z0-9._-]+)*)*$`)
)

// securityNames reports whether s is an Operation.Security value made of
// scheme names of at most 64 characters.
func securityNames(s string) bool {
	if !securityPattern.MatchString(s) {
		return false
	}
	for _, name := range strings.FieldsFunc(s, func(r rune) bool { return r == '+' || r == '|' || r == ' ' }) {
		if len(name) > 64 {
			return false
		}
	}
	return true
}

// isDate reports whether s is a date as x-sunset takes it: YYYY-MM-DD, an
// RFC 3339 time or an HTTP-date.
func isDate(s string) bool {
	for _, layout := range []string{time.DateOnly, time.RFC3339, http.TimeFormat} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// securityValue turns an Operation.Security string back into a security
// requirement list.
func securityValue(s string) []any {
	out := []any{}
	if s == "none" {
		return out
	}
	for _, alt := range strings.Split(s, " | ") {
		req := map[string]any{}
		if alt != "none" {
			for _, name := range strings.Split(alt, "+") {
				req[name] = []any{}
			}
		}
		out = append(out, req)
	}
	return out
}

// bounds reads minimum, maximum and default from a parameter description.
func bounds(desc string) map[string]any {
	out := map[string]any{}
	for _, w := range strings.Fields(desc) {
		k, v, ok := strings.Cut(w, "=")
		if !ok || (k != "minimum" && k != "maximum" && k != "default") {
			continue
		}
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			if n == float64(int64(n)) {
				out[k] = int64(n)
			} else {
				out[k] = n
			}
		}
	}
	return out
}
