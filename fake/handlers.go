package fake

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/generated/tokensserver"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Field-error messages, in the style of the vendor's 422 example.
const (
	msgRequired   = "This field is required."
	msgNotNull    = "This field may not be null."
	msgBlank      = "This field may not be blank."
	msgNotInteger = "A valid integer is required."
	msgNotString  = "Not a valid string."
	msgNotEmail   = "Enter a valid email address."
	msgTwice      = "Give this parameter once."
)

// wrongCredentials is the vendor's documented errMsg for a create with the
// wrong email or password.
const wrongCredentials = "The email or password you have entered is incorrect. Please try again."

// handlers serves the spec's operations through the server interface that
// oapi-codegen generates from the spec (package tokensserver): an operation
// added to the spec does not compile until it has a method here.
type handlers struct{ s *Server }

var _ tokensserver.ServerInterface = handlers{}

// GetBackendTokens serves the list operation. The generated wrapper has
// bound limit and offset already; the fake reads them again from the raw
// query, because its answers differ by fault (a parameter given twice, a
// value beyond the range of int, a malformed query string) where the
// binding reports one kind of error or none.
func (h handlers) GetBackendTokens(w http.ResponseWriter, r *http.Request, _ tokensapi.GetBackendTokensParams) {
	h.s.list(w, r, h.s.requestTime(r))
}

// DeleteAuthBackend serves the delete operation.
func (h handlers) DeleteAuthBackend(w http.ResponseWriter, r *http.Request) { h.s.delete(w, r) }

// PostAuthBackend serves the create operation.
func (h handlers) PostAuthBackend(w http.ResponseWriter, r *http.Request) { h.s.create(w, r) }

// parameterError answers a request whose parameters the generated wrapper
// could not bind. Only the list operation has parameters: the fake reads
// them itself and answers as the package documentation says.
func (s *Server) parameterError(w http.ResponseWriter, r *http.Request, _ error) {
	s.list(w, r, s.requestTime(r))
}

// list serves the list operation, GET /backend/tokens (get-backend-tokens).
func (s *Server) list(w http.ResponseWriter, r *http.Request, now time.Time) {
	limit, offset, aerr := parsePaging(r.URL.RawQuery, s.paging)
	if aerr != nil && aerr.status == http.StatusRequestEntityTooLarge && s.opts.Scenario == ScenarioLimitOver422 {
		aerr = fieldErrors(tokensapi.FieldErrors{"limit": {"Ensure this value is less than or equal to " + strconv.Itoa(s.paging.MaxLimit) + "."}})
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	s.mu.Lock()
	total := len(s.tokens)
	start := min(offset, total)
	end := start + min(limit, total-start)
	page := slices.Clone(s.tokens[start:end])
	s.mu.Unlock()
	if page == nil {
		page = []tokensapi.Token{} // an empty page is [], never null
	}
	body, err := s.opts.Scenario.encodeList(tokensapi.TokenList{
		Code: http.StatusOK,
		Data: page,
		Meta: tokensapi.ListMeta{
			Message:    "SUCCESS",
			Pagination: tokensapi.Pagination{TotalCount: total, Offset: offset, Limit: limit},
		},
	}, now)
	if err != nil {
		writeError(w, errorf(http.StatusInternalServerError, "The fake could not encode its response."))
		return
	}
	writeBody(w, http.StatusOK, body)
}

// parsePaging reads limit and offset from a raw query string, with the
// defaults and bounds p (the spec's). It returns a 422 for values that are
// not integers or are below their minimum, and a 413 for a limit over the
// maximum.
func parsePaging(rawQuery string, p openapi.Paging) (limit, offset int, aerr *apiError) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, 0, errorf(http.StatusUnprocessableEntity, "The query string is malformed; send limit and offset as name=value pairs joined by &.")
	}
	fe := tokensapi.FieldErrors{}
	limit, tooLarge := queryInt(q, "limit", p.DefaultLimit, p.MinLimit, fe)
	offset, offsetTooLarge := queryInt(q, "offset", p.DefaultOffset, p.MinOffset, fe)
	if offsetTooLarge {
		// Too large to echo in meta.pagination.offset.
		fe["offset"] = []string{"Ensure this value is less than or equal to " + strconv.Itoa(math.MaxInt) + "."}
	}
	switch {
	case len(fe) > 0:
		return 0, 0, fieldErrors(fe)
	case tooLarge || limit > p.MaxLimit:
		return 0, 0, errorf(http.StatusRequestEntityTooLarge, "The limit parameter exceeded the maximum of %d.", p.MaxLimit)
	}
	return limit, offset, nil
}

// queryInt reads the integer parameter name, or def when it is absent. It
// records what is wrong in fe. tooLarge reports a value above the range of
// int, which is a valid integer and so no field error.
func queryInt(q url.Values, name string, def, minimum int, fe tokensapi.FieldErrors) (v int, tooLarge bool) {
	vals, ok := q[name]
	switch {
	case !ok:
		return def, false
	case len(vals) > 1:
		fe[name] = []string{msgTwice}
		return 0, false
	}
	v, err := strconv.Atoi(vals[0])
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(vals[0], "-") {
		return 0, true
	}
	if err != nil {
		fe[name] = []string{msgNotInteger}
		return 0, false
	}
	if v < minimum {
		fe[name] = []string{"Ensure this value is greater than or equal to " + strconv.Itoa(minimum) + "."}
	}
	return v, false
}

// delete serves the delete operation, DELETE /auth/backend (delete-auth-backend).
func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	obj, aerr := readObject(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	fe := tokensapi.FieldErrors{}
	id, _ := intField(obj, "id", true, fe)
	// email and name are accepted, as the vendor documents them, but only
	// checked for type: the id alone picks the token.
	stringField(obj, "email", false, fe)
	stringField(obj, "name", false, fe)
	if len(fe) > 0 {
		writeError(w, fieldErrors(fe))
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.tokens, func(t tokensapi.Token) bool { return t.ID == id })
	if i >= 0 {
		delete(s.byToken, s.tokens[i].Token)
		s.tokens = slices.Delete(s.tokens, i, i+1)
	}
	s.mu.Unlock()
	if i < 0 {
		writeError(w, errorf(http.StatusNotFound, "No matching token was found."))
		return
	}
	writeJSON(w, http.StatusOK, tokensapi.DeleteTokenResult{
		Code: http.StatusOK,
		Data: []map[string]any{},
		Meta: tokensapi.Meta{Message: "SUCCESS"},
	})
}

// create serves the create operation, POST /auth/backend (post-auth-backend).
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	obj, aerr := readObject(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	fe := tokensapi.FieldErrors{}
	storeHash, _ := requiredString(obj, "storeHash", fe)
	email, ok := requiredString(obj, "email", fe)
	if ok && !validEmail(email) {
		fe["email"] = []string{msgNotEmail}
	}
	password, _ := requiredString(obj, "password", fe)
	name, _ := requiredString(obj, "name", fe)
	intField(obj, "channelId", false, fe)
	stringField(obj, "beginAt", false, fe)
	stringField(obj, "endAt", false, fe)
	if len(fe) > 0 {
		writeError(w, fieldErrors(fe))
		return
	}
	if !s.credentialsMatch(storeHash, email, password) {
		writeError(w, errorf(http.StatusBadRequest, wrongCredentials))
		return
	}
	s.mu.Lock()
	t := s.add(name, s.opts.UserEmail, tokensapi.EventChannelAPI)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokensapi.CreateTokenResult{
		Code: http.StatusOK,
		Data: []tokensapi.CreatedToken{{Name: t.Name, Token: t.Token}},
		Meta: tokensapi.Meta{Message: "SUCCESS"},
	})
}

// credentialsMatch reports whether a create request names the fake's store
// and its backend user. Emails compare without regard to case.
func (s *Server) credentialsMatch(storeHash, email, password string) bool {
	if s.opts.UserEmail == "" {
		return false
	}
	okPassword := subtle.ConstantTimeCompare([]byte(password), []byte(s.opts.UserPassword)) == 1
	return okPassword && storeHash == s.opts.StoreHash && strings.EqualFold(email, s.opts.UserEmail)
}

// readObject reads the request body, at most MaxBodyBytes of it, as one JSON
// object. A body that is too large gets a 413 (both operations with a body
// document one); anything else wrong gets a 422. Messages name the problem
// but never quote the body.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, errorf(http.StatusUnprocessableEntity, "The request body must be sent as application/json.")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, errorf(http.StatusRequestEntityTooLarge, "The request body is larger than %d bytes.", MaxBodyBytes)
	case err != nil:
		return nil, errorf(http.StatusUnprocessableEntity, "The request body could not be read.")
	case len(bytes.TrimSpace(body)) == 0:
		return nil, errorf(http.StatusUnprocessableEntity, "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var obj map[string]json.RawMessage
	err = dec.Decode(&obj)
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return nil, errorf(http.StatusUnprocessableEntity, "The request body is not valid JSON (syntax error at byte %d).", syntax.Offset)
	case err != nil || obj == nil:
		// An array, a string, a number, null, or a truncated document.
		return nil, errorf(http.StatusUnprocessableEntity, "The request body must be a JSON object.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(http.StatusUnprocessableEntity, "The request body has data after the JSON object.")
	}
	return obj, nil
}

// requiredString reads a required, non-blank string field.
func requiredString(obj map[string]json.RawMessage, name string, fe tokensapi.FieldErrors) (string, bool) {
	v, ok := stringField(obj, name, true, fe)
	if ok && strings.TrimSpace(v) == "" {
		fe[name] = []string{msgBlank}
		return "", false
	}
	return v, ok
}

// field returns the raw value of a field that is present and not null. A
// missing required field or a null goes into fe.
func field(obj map[string]json.RawMessage, name string, required bool, fe tokensapi.FieldErrors) (json.RawMessage, bool) {
	raw, present := obj[name]
	switch {
	case !present:
		if required {
			fe[name] = []string{msgRequired}
		}
		return nil, false
	case string(raw) == "null":
		fe[name] = []string{msgNotNull}
		return nil, false
	}
	return raw, true
}

// stringField reads a string field. ok is false when the field is absent or
// wrong; what is wrong goes into fe.
func stringField(obj map[string]json.RawMessage, name string, required bool, fe tokensapi.FieldErrors) (v string, ok bool) {
	raw, ok := field(obj, name, required, fe)
	if ok && json.Unmarshal(raw, &v) != nil {
		fe[name] = []string{msgNotString}
		return "", false
	}
	return v, ok
}

// intField reads an integer field. A number with a zero fraction, such as
// 1.0 or 1e2, is an integer, as in JSON Schema; a string of digits is not.
func intField(obj map[string]json.RawMessage, name string, required bool, fe tokensapi.FieldErrors) (v int, ok bool) {
	raw, ok := field(obj, name, required, fe)
	if !ok {
		return 0, false
	}
	v, ok = jsonInt(raw)
	if !ok {
		fe[name] = []string{msgNotInteger}
	}
	return v, ok
}

// jsonInt parses raw, a JSON value, as an integer that fits in an int. A
// number written with a fraction or an exponent counts when its value is a
// whole number that a float64 holds exactly (up to 2^53).
func jsonInt(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	if i, err := strconv.ParseInt(n.String(), 10, 0); err == nil {
		return int(i), true
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}
