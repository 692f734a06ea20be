package headers_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func TestParseNotice(t *testing.T) {
	dep := time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	sun := time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name       string
		h          http.Header
		want       headers.Notice
		errHeaders []string // headers named by the errors, in order
	}{
		{name: "none", h: hdr()},
		{
			name: "all three",
			h: hdr("Deprecation", fmt.Sprintf("@%d", dep.Unix()),
				"Sunset", sun.Format(http.TimeFormat),
				"Link", `<https://developer.bigcommerce.com/b2b>; rel="deprecation"; type="text/html", <https://example.com/sunset>; rel=sunset`),
			want: headers.Notice{Deprecated: true, DeprecatedAt: dep, Sunset: sun, Links: []headers.DeprecationLink{
				{Rel: "deprecation", URL: "https://developer.bigcommerce.com/b2b"},
				{Rel: "sunset", URL: "https://example.com/sunset"},
			}},
		},
		{
			name:       "deprecation true is the old draft form",
			h:          hdr("Deprecation", "true"),
			want:       headers.Notice{Deprecated: true},
			errHeaders: []string{"Deprecation"},
		},
		{
			name:       "deprecation garbage",
			h:          hdr("Deprecation", "@@yesterday"),
			want:       headers.Notice{Deprecated: true},
			errHeaders: []string{"Deprecation"},
		},
		{
			name:       "deprecation integer without @",
			h:          hdr("Deprecation", "1759190400"),
			want:       headers.Notice{Deprecated: true},
			errHeaders: []string{"Deprecation"},
		},
		{
			name:       "sunset not an HTTP-date",
			h:          hdr("Sunset", "2026-12-31"),
			errHeaders: []string{"Sunset"},
		},
		{
			name:       "sunset twice",
			h:          hdr("Sunset", sun.Format(http.TimeFormat), "Sunset", sun.Format(http.TimeFormat)),
			errHeaders: []string{"Sunset"},
		},
		{
			name: "sunset before deprecation",
			h: hdr("Deprecation", fmt.Sprintf("@%d", sun.Unix()),
				"Sunset", dep.Format(http.TimeFormat)),
			want:       headers.Notice{Deprecated: true, DeprecatedAt: sun, Sunset: dep},
			errHeaders: []string{"Sunset"},
		},
		{
			name: "sunset in RFC 850 form",
			h:    hdr("Sunset", "Thursday, 31-Dec-26 23:59:59 GMT"),
			want: headers.Notice{Sunset: sun},
		},
		{
			name: "link with several rels and unrelated links",
			h:    hdr("Link", `<https://a.example/next>; rel="next", <https://a.example/d>; rel="alternate deprecation"`),
			want: headers.Notice{Links: []headers.DeprecationLink{{Rel: "deprecation", URL: "https://a.example/d"}}},
		},
		{
			name:       "malformed link keeps what came before",
			h:          hdr("Link", `<https://a.example/s>; rel="sunset", https://broken`),
			want:       headers.Notice{Links: []headers.DeprecationLink{{Rel: "sunset", URL: "https://a.example/s"}}},
			errHeaders: []string{"Link"},
		},
		{
			name:       "one bad header does not hide the others",
			h:          hdr("Deprecation", "soon", "Sunset", sun.Format(http.TimeFormat)),
			want:       headers.Notice{Deprecated: true, Sunset: sun},
			errHeaders: []string{"Deprecation"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := headers.ParseNotice(tt.h)
			if !got.DeprecatedAt.Equal(tt.want.DeprecatedAt) || !got.Sunset.Equal(tt.want.Sunset) ||
				got.Deprecated != tt.want.Deprecated || fmt.Sprint(got.Links) != fmt.Sprint(tt.want.Links) {
				t.Errorf("notice = %+v, want %+v", got, tt.want)
			}
			var named []string
			for _, err := range errs {
				var ve *headers.ValueError
				if !errors.As(err, &ve) {
					t.Fatalf("error %v is not a *ValueError", err)
				}
				named = append(named, ve.Header)
				if !strings.Contains(err.Error(), ve.Header) {
					t.Errorf("error %q does not name its header", err)
				}
			}
			if fmt.Sprint(named) != fmt.Sprint(tt.errHeaders) {
				t.Errorf("errors name %v, want %v (errors: %v)", named, tt.errHeaders, errs)
			}
			if got.Empty() != (tt.want.Empty()) {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

func TestHasSunsetSignal(t *testing.T) {
	if (headers.Notice{Deprecated: true}).HasSunsetSignal() {
		t.Error("a bare deprecation is not a sunset signal")
	}
	if !(headers.Notice{Links: []headers.DeprecationLink{{Rel: "sunset"}}}).HasSunsetSignal() {
		t.Error("a sunset link is a sunset signal")
	}
	if !(headers.Notice{Sunset: time.Now()}).HasSunsetSignal() {
		t.Error("a Sunset date is a sunset signal")
	}
}

func TestValueErrorCutsLongValues(t *testing.T) {
	_, errs := headers.ParseNotice(hdr("Sunset", strings.Repeat("x", 10_000)))
	if len(errs) != 1 || len(errs[0].Error()) > 200 {
		t.Fatalf("want one short error, got %d errors, first %d bytes long", len(errs), len(errs[0].Error()))
	}
}

func TestParseLinks(t *testing.T) {
	tests := []struct {
		in      string
		want    string // fmt of URL+params
		wantErr bool
	}{
		{in: ``, want: `[]`},
		{in: `<https://x.example/a,b>; rel="next"`, want: `[{https://x.example/a,b map[rel:next]}]`},
		{in: ` , <u1>;rel=a;rel=b,,<u2>; title="a \"q\", x"`, want: `[{u1 map[rel:a]} {u2 map[title:a "q", x]}]`},
		{in: `<u>; REL="Deprecation"; anchor`, want: `[{u map[anchor: rel:Deprecation]}]`},
		{in: `<u`, want: `[]`, wantErr: true},
		{in: `u; rel=next`, want: `[]`, wantErr: true},
		{in: `<u>; rel="open`, want: `[]`, wantErr: true},
		{in: `<u>; =x`, want: `[]`, wantErr: true},
		{in: `<u>; rel=`, want: `[]`, wantErr: true},
		{in: `<u> rel=next`, want: `[]`, wantErr: true},
		{in: `<u1>; rel=a <u2>`, want: `[]`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := headers.ParseLinks(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseLinks(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
		}
		if s := fmt.Sprint(got); s != tt.want && !(tt.want == "[]" && len(got) == 0) {
			t.Errorf("ParseLinks(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
	many := strings.Repeat("<u>; rel=x, ", 100)
	if got, err := headers.ParseLinks(many); err == nil || len(got) != 64 {
		t.Errorf("100 links: got %d links, error %v; want 64 and an error", len(got), err)
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		h          http.Header
		want       time.Duration
		header     string
		ok         bool
		errHeaders int
	}{
		{name: "nothing", h: hdr()},
		{name: "seconds", h: hdr("Retry-After", "7"), want: 7 * time.Second, header: "Retry-After", ok: true},
		{name: "zero", h: hdr("Retry-After", "0"), want: 0, header: "Retry-After", ok: true},
		{name: "http-date", h: hdr("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), want: 90 * time.Second, header: "Retry-After", ok: true},
		{name: "http-date in the past", h: hdr("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), want: 0, header: "Retry-After", ok: true},
		{name: "negative is garbage", h: hdr("Retry-After", "-5"), errHeaders: 1},
		{name: "fraction is garbage", h: hdr("Retry-After", "1.5"), errHeaders: 1},
		{name: "garbage", h: hdr("Retry-After", "soon"), errHeaders: 1},
		{name: "huge saturates", h: hdr("Retry-After", "99999999999999999999999"), want: headers.MaxParsedWait, header: "Retry-After", ok: true},
		{name: "large saturates", h: hdr("Retry-After", "86400000"), want: headers.MaxParsedWait, header: "Retry-After", ok: true},
		{name: "garbage falls through to platform", h: hdr("Retry-After", "soon", "X-Rate-Limit-Time-Reset-Ms", "1500"), want: 1500 * time.Millisecond, header: "X-Rate-Limit-Time-Reset-Ms", ok: true, errHeaders: 1},
		{name: "x-retry-after", h: hdr("X-Retry-After", "3"), want: 3 * time.Second, header: "X-Retry-After", ok: true},
		{name: "b2b window", h: hdr("X-Request-Window-Resets-After", "0.397 s"), want: 397 * time.Millisecond, header: "X-Request-Window-Resets-After", ok: true},
		{name: "b2b window ms", h: hdr("X-Request-Window-Resets-After", "250ms"), want: 250 * time.Millisecond, header: "X-Request-Window-Resets-After", ok: true},
		{name: "b2b window garbage", h: hdr("X-Request-Window-Resets-After", "NaN s"), errHeaders: 1},
		{name: "retry-after wins", h: hdr("Retry-After", "2", "X-Request-Window-Resets-After", "9 s"), want: 2 * time.Second, header: "Retry-After", ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok, errs := headers.RetryWait(tt.h, now)
			if ok != tt.ok || w.Duration != tt.want || w.Header != tt.header {
				t.Errorf("RetryWait = %v from %q (ok %v), want %v from %q (ok %v)", w.Duration, w.Header, ok, tt.want, tt.header, tt.ok)
			}
			if len(errs) != tt.errHeaders {
				t.Errorf("errors = %v, want %d", errs, tt.errHeaders)
			}
			if w.Duration < 0 || w.Duration > headers.MaxParsedWait {
				t.Errorf("wait %v outside [0, MaxParsedWait]", w.Duration)
			}
		})
	}
}

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		name string
		h    http.Header
		want headers.RateLimit
		errs int
	}{
		{name: "none", h: hdr()},
		{
			name: "b2b",
			h: hdr("X-Requests-Allocated", "150 times/60 s", "X-Requests-Remaining", "147 times",
				"X-Request-Window-Resets-After", "0.397 s"),
			want: headers.RateLimit{Quota: 150, HasQuota: true, Remaining: 147, HasRemaining: true,
				Window: time.Minute, ResetsAfter: 397 * time.Millisecond, HasReset: true},
		},
		{
			name: "platform",
			h: hdr("X-Rate-Limit-Requests-Quota", "150", "X-Rate-Limit-Requests-Left", "0",
				"X-Rate-Limit-Time-Window-Ms", "60000", "X-Rate-Limit-Time-Reset-Ms", "1200"),
			want: headers.RateLimit{Quota: 150, HasQuota: true, Remaining: 0, HasRemaining: true,
				Window: time.Minute, ResetsAfter: 1200 * time.Millisecond, HasReset: true},
		},
		{
			name: "b2b wins over platform, platform fills gaps",
			h:    hdr("X-Requests-Remaining", "3 times", "X-Rate-Limit-Requests-Left", "99", "X-Rate-Limit-Requests-Quota", "150"),
			want: headers.RateLimit{Quota: 150, HasQuota: true, Remaining: 3, HasRemaining: true},
		},
		{
			name: "garbage is reported and ignored",
			h:    hdr("X-Requests-Allocated", "lots", "X-Requests-Remaining", "-1 times", "X-Rate-Limit-Time-Reset-Ms", "1e3"),
			errs: 3,
		},
		{
			name: "window length header",
			h:    hdr("X-Requests-Window-Length", "60 s"),
			want: headers.RateLimit{Window: time.Minute},
		},
		{
			name: "huge count saturates",
			h:    hdr("X-Requests-Remaining", "99999999999999999999 times"),
			want: headers.RateLimit{Remaining: 1<<31 - 1, HasRemaining: true},
		},
		{
			// Regression: the platform counts used to saturate at
			// MaxParsedWait's nanoseconds (1e15), which overflows a 32-bit
			// int, instead of at MaxInt32 like the B2B counts.
			name: "huge platform counts saturate like the B2B ones",
			h:    hdr("X-Rate-Limit-Requests-Quota", "99999999999999999999", "X-Rate-Limit-Requests-Left", "5000000000"),
			want: headers.RateLimit{Quota: 1<<31 - 1, HasQuota: true, Remaining: 1<<31 - 1, HasRemaining: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := headers.ParseRateLimit(tt.h)
			if got != tt.want {
				t.Errorf("ParseRateLimit = %+v, want %+v", got, tt.want)
			}
			if len(errs) != tt.errs {
				t.Errorf("errors = %v, want %d", errs, tt.errs)
			}
		})
	}
}

// The fuzz targets cover the two parser boundaries: retirement headers and
// retry/rate-limit headers. Their seeds are in the code (no testdata/fuzz
// corpus is committed).
func FuzzParseNotice(f *testing.F) {
	f.Add("@1759190400", "Sat, 01 Aug 2026 00:00:00 GMT", `<https://x.example>; rel="sunset"`)
	f.Add("true", "garbage", `<`)
	f.Add("", "", `<u>; rel="a\`)
	f.Fuzz(func(t *testing.T, dep, sunset, link string) {
		n, errs := headers.ParseNotice(hdr("Deprecation", dep, "Sunset", sunset, "Link", link))
		if dep != "" && !n.Deprecated {
			t.Fatal("a Deprecation header must set Deprecated")
		}
		for _, err := range errs {
			var ve *headers.ValueError
			if !errors.As(err, &ve) || len(ve.Value) > 64+len("…") {
				t.Fatalf("bad error %v", err)
			}
		}
	})
}

func FuzzRetryWait(f *testing.F) {
	f.Add("120", "", "", "")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", "5", "100", "0.397 s")
	f.Add("-1", "x", "1e9", "9999999999999999999 s")
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, retryAfter, xRetry, resetMs, window string) {
		h := hdr("Retry-After", retryAfter, "X-Retry-After", xRetry,
			"X-Rate-Limit-Time-Reset-Ms", resetMs, "X-Request-Window-Resets-After", window)
		w, ok, _ := headers.RetryWait(h, now)
		if w.Duration < 0 || w.Duration > headers.MaxParsedWait {
			t.Fatalf("wait %v outside [0, MaxParsedWait]", w.Duration)
		}
		if ok && w.Header == "" {
			t.Fatal("ok without a header name")
		}
		_, _ = headers.ParseRateLimit(h)
	})
}

func ExampleParseNotice() {
	h := http.Header{}
	h.Set("Deprecation", "@1759190400")
	h.Set("Sunset", "Thu, 31 Dec 2026 23:59:59 GMT")
	h.Set("Link", `<https://developer.bigcommerce.com/b2b-edition>; rel="deprecation"`)
	n, errs := headers.ParseNotice(h)
	fmt.Println(n.DeprecatedAt.Format(time.DateOnly), n.Sunset.Format(time.DateOnly), n.Links[0].Rel, len(errs))
	// Output: 2025-09-30 2026-12-31 deprecation 0
}

func ExampleRetryWait() {
	h := http.Header{}
	h.Set("X-Request-Window-Resets-After", "0.397 s")
	w, ok, _ := headers.RetryWait(h, time.Now())
	fmt.Println(w.Duration, w.Header, ok)
	// Output: 397ms X-Request-Window-Resets-After true
}
