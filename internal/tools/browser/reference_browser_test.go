// Package browser holds the reference page's browser test: it opens the
// page package internal/publish renders in headless Chromium through
// chromedp. It lives in the tools module (internal/tools), so that chromedp
// stays out of the library module's requirements.
package browser_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/b2b-contract/s2s-tokens/internal/publish"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// The browser tests need Chromium. Where it is missing they skip, unless
// REQUIRE_BROWSER=1 (which .ci/run sets) makes that a failure. CHROMIUM names
// the browser binary if it is not on PATH. REFERENCE_PAGE names an already
// rendered page to check (make reference-test passes dist/index.html);
// otherwise the test renders one.

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REQUIRE_BROWSER") == "1" {
		t.Fatal("REQUIRE_BROWSER=1 but no Chromium was found: install Debian's chromium package or set CHROMIUM")
	}
	t.Skip("no Chromium on this machine (set REQUIRE_BROWSER=1 to make this a failure)")
	return ""
}

// watch records what a page tries to load from anywhere but file: and data:
// (every attempt, even one the page's policy then blocks), which of those
// Chromium blocked for the Content-Security-Policy, and the policy
// violations it logs.
type watch struct {
	mu         sync.Mutex
	requests   []string
	ids        map[network.RequestID]string
	blocked    []string
	violations []string
}

func (w *watch) add(list *[]string, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = append(*list, s)
}

func (w *watch) snapshot() (requests, violations []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.requests...), append([]string(nil), w.violations...)
}

// cspRecorder runs before the page's own content and records every
// securitypolicyviolation event.
const cspRecorder = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// The package's tests share one headless Chromium, started by the first
// test that needs it and stopped by TestMain: starting a browser is the
// heavy part, and on a loaded machine one per test made them slow.
var browser struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; new tabs are its children
	cancel  func()
	profile string
	err     error
}

// browserTestTimeout bounds each browser test, browser start included.
const browserTestTimeout = time.Minute

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.profile != "" {
		os.RemoveAll(browser.profile)
	}
	os.Exit(code)
}

// startChromium returns a context of the package's one browser (started on
// first use, with the flags this machine needs: root, closed network, a
// fresh profile) whose tabs are cancelled after browserTestTimeout.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	browser.once.Do(func() {
		if browser.profile, browser.err = os.MkdirTemp("", "chromium-profile-"); browser.err != nil {
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(exe),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(browser.profile),
			chromedp.WindowSize(1280, 900),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelBrowser := chromedp.NewContext(allocCtx)
		browser.ctx, browser.cancel = ctx, func() { cancelBrowser(); cancelAlloc() }
		// The first Do starts the browser. It gets no deadline: chromedp
		// ties the browser's life to that first call's context (the test
		// binary's -timeout bounds a start that hangs).
		browser.err = chromedp.Do(ctx)
	})
	if browser.err != nil {
		t.Fatalf("starting Chromium: %v", browser.err)
	}
	ctx, cancel := context.WithTimeout(browser.ctx, browserTestTimeout)
	t.Cleanup(cancel)
	return ctx
}

// openTab opens a tab (starting the browser if parent is the allocator's
// context) that watches every request and policy violation of its pages.
func openTab(t *testing.T, parent context.Context) (context.Context, *watch) {
	t.Helper()
	w := &watch{ids: map[network.RequestID]string{}}
	// WithListener sees every event of the tab from its first command on.
	tabCtx, cancel := chromedp.NewContext(parent, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				w.add(&w.requests, u)
				w.mu.Lock()
				w.ids[e.RequestID] = u
				w.mu.Unlock()
			}
		case *network.EventLoadingFailed:
			if e.BlockedReason == network.BlockedReasonCsp {
				w.mu.Lock()
				u := w.ids[e.RequestID]
				w.mu.Unlock()
				w.add(&w.blocked, u)
			}
		case *cdplog.EventEntryAdded:
			if strings.Contains(e.Entry.Text, "Content Security Policy") {
				w.add(&w.violations, e.Entry.Text)
			}
		}
	}))
	t.Cleanup(cancel)
	// The first Do attaches the tab (starting the browser when needed), which
	// enables the network and log domains.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if _, err := chromedp.Call(tabCtx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder}); err != nil {
		t.Fatalf("installing the policy-violation recorder: %v", err)
	}
	return tabCtx, w
}

// load opens the file in the browser and waits for its load event.
func load(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.ToSlash(abs))); err != nil {
		t.Fatalf("opening %s: %v", abs, err)
	}
}

func pageViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type shownOperation struct {
	ID          string `json:"id"`
	Visible     bool   `json:"visible"`
	Heading     string `json:"heading"`
	Deprecation *struct {
		Visible bool   `json:"visible"`
		Text    string `json:"text"`
	} `json:"deprecation"`
	Params []struct {
		Name    string `json:"name"`
		Visible bool   `json:"visible"`
	} `json:"params"`
	Responses []struct {
		Status  string `json:"status"`
		Visible bool   `json:"visible"`
	} `json:"responses"`
}

// shownOperations reads what the rendered page shows of each operation. An
// element counts as visible when it has a box on the page and is not hidden
// by display, visibility or opacity; innerText holds rendered text only.
const shownOperations = `(() => {
  const visible = el => {
    if (!el) return false;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0;
  };
  return Array.from(document.querySelectorAll('article.operation')).map(op => {
    const d = op.querySelector('.deprecation');
    return {
      id: op.dataset.operationId,
      visible: visible(op),
      heading: (op.querySelector('h3') || {innerText: ''}).innerText,
      deprecation: d ? {visible: visible(d), text: d.innerText} : null,
      params: Array.from(op.querySelectorAll('tr.parameter')).map(r => ({name: r.dataset.name, visible: visible(r)})),
      responses: Array.from(op.querySelectorAll('tr.response')).map(r => ({status: r.dataset.status, visible: visible(r)})),
    };
  });
})()`

func referencePageFile(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REFERENCE_PAGE"); p != "" {
		return p
	}
	b, err := publish.Reference()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), publish.ReferencePage)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReferencePageInBrowser opens the reference page as a file in headless
// Chromium, checks that the three operations, their parameters, responses
// and deprecation notices are visible, that the page requested nothing from
// the network, and saves a full-page screenshot as the test's artifact.
func TestReferencePageInBrowser(t *testing.T) {
	ctx, w := openTab(t, startChromium(t))
	file := referencePageFile(t)
	load(t, ctx, file)

	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#operations`))); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	version, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#spec-version`)))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[[]shownOperation](shownOperations))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.ArtifactDir()
	shotFile := filepath.Join(dir, "reference-page.png")
	if err := os.WriteFile(shotFile, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of %s: %s", file, shotFile)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 2000 {
		t.Errorf("the screenshot is %dx%d: the page did not render in full", b.Dx(), b.Dy())
	}

	info, err := openapi.SpecInfo()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, info.Title) || strings.TrimSpace(version) != info.Version {
		t.Errorf("title %q, version %q; want %q and %q", title, version, info.Title, info.Version)
	}

	want := expectedOperations(t)
	if len(ops) != len(want) {
		t.Fatalf("the page shows %d operations, want %d", len(ops), len(want))
	}
	for _, e := range want {
		t.Run(e.ID, func(t *testing.T) {
			var got *shownOperation
			for i := range ops {
				if ops[i].ID == e.ID {
					got = &ops[i]
				}
			}
			if got == nil || !got.Visible {
				t.Fatalf("operation %s is not shown", e.ID)
			}
			if h := normalize(got.Heading); !strings.Contains(h, e.Method+" "+e.Path) || !strings.Contains(h, "Deprecated") {
				t.Errorf("heading %q does not show %s %s and its deprecation", h, e.Method, e.Path)
			}
			if got.Deprecation == nil || !got.Deprecation.Visible {
				t.Error("the deprecation notice is not visible")
			} else if !strings.Contains(normalize(got.Deprecation.Text), normalize(e.Reason)) {
				t.Errorf("the deprecation notice %q lacks the migration advice", normalize(got.Deprecation.Text))
			}
			for _, p := range e.Params {
				ok := false
				for _, g := range got.Params {
					ok = ok || (g.Name == p && g.Visible)
				}
				if !ok {
					t.Errorf("parameter %s is not visible", p)
				}
			}
			for _, code := range e.Responses {
				ok := false
				for _, g := range got.Responses {
					ok = ok || (g.Status == code && g.Visible)
				}
				if !ok {
					t.Errorf("response %s is not visible", code)
				}
			}
		})
	}

	requests, violations := w.snapshot()
	violations = append(violations, pageViolations(t, ctx)...)
	if len(requests) > 0 {
		t.Errorf("the page requested %d non-file URL(s): %v", len(requests), requests)
	}
	if len(violations) > 0 {
		t.Errorf("the page tried to load something its policy forbids: %v", violations)
	}
}

// TestBrowserWatchCatchesRequests proves the watch above can fail: pages that
// load a remote style sheet and image, with and without a policy that blocks
// them, are caught.
func TestBrowserWatchCatchesRequests(t *testing.T) {
	ctx, w := openTab(t, startChromium(t))
	ctx2, w2 := openTab(t, ctx) // a second tab in the same browser
	dir := t.TempDir()
	// Port 9 (discard) on loopback: refused at once, nothing leaves the
	// machine.
	open := filepath.Join(dir, "open.html")
	blocked := filepath.Join(dir, "blocked.html")
	if err := os.WriteFile(open, []byte(`<!DOCTYPE html><link rel="stylesheet" href="http://127.0.0.1:9/x.css"><img src="http://127.0.0.1:9/y.png">`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocked, []byte(`<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="`+publish.ContentSecurityPolicy+`"><img src="http://127.0.0.1:9/z.png">`), 0o644); err != nil {
		t.Fatal(err)
	}

	load(t, ctx, open)
	requests, _ := w.snapshot()
	joined := strings.Join(requests, " ")
	if !strings.Contains(joined, "http://127.0.0.1:9/x.css") || !strings.Contains(joined, "http://127.0.0.1:9/y.png") {
		t.Errorf("remote requests were not caught: %v", requests)
	}

	load(t, ctx2, blocked)
	v, err := chromedp.Run(ctx2, chromedp.Poll[[]string](`window.__csp.length > 0 ? window.__csp : null`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.Contains(strings.Join(v, " "), "http://127.0.0.1:9/z.png") {
		t.Errorf("the blocked image was not reported as a policy violation: %v %v", v, err)
	}
	// The attempt is caught although the policy stopped it.
	after, _ := w2.snapshot()
	if !strings.Contains(strings.Join(after, " "), "http://127.0.0.1:9/z.png") {
		t.Errorf("an attempt the policy blocked was not caught: %v", after)
	}
	w2.mu.Lock()
	blockedURLs := strings.Join(w2.blocked, " ")
	w2.mu.Unlock()
	if !strings.Contains(blockedURLs, "http://127.0.0.1:9/z.png") || strings.Contains(blockedURLs, "y.png") {
		t.Errorf("Chromium should block z.png, and only it, for the policy; blocked: %q", blockedURLs)
	}
}

// expectedOperation is what the reference page must show for one operation,
// read from package openapi's table of the spec.
type expectedOperation struct {
	ID, Method, Path  string
	Params, Responses []string
	Reason            string
}

func expectedOperations(t *testing.T) []expectedOperation {
	t.Helper()
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	var out []expectedOperation
	for _, op := range ops {
		e := expectedOperation{ID: op.ID, Method: op.Method, Path: op.Path, Reason: op.DeprecatedReason}
		for _, p := range op.Query {
			e.Params = append(e.Params, p.Name)
		}
		for _, st := range op.Statuses {
			e.Responses = append(e.Responses, strconv.Itoa(st))
		}
		out = append(out, e)
	}
	if len(out) != 3 {
		t.Fatalf("the spec has %d operations, the test expects the three token operations", len(out))
	}
	return out
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }
