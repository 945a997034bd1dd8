package hooks_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// scriptBlocks finds the inline <script> elements of an HTML page by plain
// scanning (independently of the server's regular expression).
func opsScriptBlocks(page string) []string {
	var out []string
	lower := strings.ToLower(page)
	for i := 0; ; {
		start := strings.Index(lower[i:], "<script")
		if start < 0 {
			return out
		}
		start += i
		tagEnd := strings.Index(lower[start:], ">") + start
		end := strings.Index(lower[tagEnd:], "</script") + tagEnd
		if !strings.Contains(lower[start:tagEnd], "src=") {
			out = append(out, page[tagEnd+1:end])
		}
		i = end + 1
	}
}

func opsCSPHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func opsCSPDirective(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		d = strings.TrimSpace(d)
		if strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}

// The pages (/ and /staff/) carry the security headers, and the CSP admits
// exactly their inline import maps by hash; the API and the dashboard are
// left to PocketBase. Editing an import map changes the hash the server
// sends without a restart.
func TestPageSecurityHeaders(t *testing.T) {
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return "../pb_public" })
	h := testapp.Handler(t, app)
	get := func(h http.Handler, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	for _, path := range []string{"/", "/staff/"} {
		rec := get(h, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		hd := rec.Header()
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if hd.Get(k) != want {
				t.Errorf("%s: %s = %q, want %q", path, k, hd.Get(k), want)
			}
		}
		if !strings.Contains(hd.Get("Permissions-Policy"), "camera=()") {
			t.Errorf("%s: Permissions-Policy %q", path, hd.Get("Permissions-Policy"))
		}
		csp := hd.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "connect-src 'self'", "object-src 'none'", "worker-src 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP lacks %q: %s", path, d, csp)
			}
		}
		scripts := opsCSPDirective(csp, "script-src")
		if regexp.MustCompile(`'unsafe-inline'|'unsafe-eval'|\*|http:|https:|data:|blob:`).MatchString(scripts) {
			t.Errorf("%s: script-src too wide: %s", path, scripts)
		}
		blocks := opsScriptBlocks(rec.Body.String())
		if len(blocks) == 0 || !strings.Contains(blocks[0], `"imports"`) {
			t.Fatalf("%s: no inline import map found in the page", path)
		}
		for _, b := range blocks {
			if !strings.Contains(scripts, opsCSPHash(b)) {
				t.Errorf("%s: the inline script's hash %s is not in %s", path, opsCSPHash(b), scripts)
			}
		}
	}
	// The printable rectification notice (opened by the portal as a blob:
	// document under the portal's policy): its <style> and its print
	// button's handler are admitted by hash.
	reno, err := app.FindFirstRecordByFilter("renovations", "status = 'permitted'")
	if err != nil {
		t.Fatal(err)
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_violations/records",
		`{"renovation":"`+reno.Id+`","severity":"major","kind":"load_bearing","description":"拆除承重墙","measures":["rectify"],"status":"open"}`, "supervisor@example.com")
	if code != http.StatusOK {
		t.Fatalf("violation: %d %s", code, body)
	}
	var v struct{ ID string }
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	code, notice := testapp.Do(t, h, http.MethodGet, "/api/wuye/violations/"+v.ID+"/notice", "", "supervisor@example.com")
	if code != http.StatusOK {
		t.Fatalf("notice: %d %s", code, notice)
	}
	csp := get(h, "/").Header().Get("Content-Security-Policy")
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(notice)
	onclick := regexp.MustCompile(`onclick="([^"]*)"`).FindStringSubmatch(notice)
	if style == nil || onclick == nil {
		t.Fatalf("the notice has no <style> or print button: %s", notice)
	}
	if !strings.Contains(opsCSPDirective(csp, "style-src"), opsCSPHash(style[1])) {
		t.Errorf("the notice's style (%s) is not admitted: %s", opsCSPHash(style[1]), csp)
	}
	if scripts := opsCSPDirective(csp, "script-src"); !strings.Contains(scripts, "'unsafe-hashes' ") || !strings.Contains(scripts, opsCSPHash(onclick[1])) {
		t.Errorf("the notice's print button (%s) is not admitted: %s", opsCSPHash(onclick[1]), scripts)
	}

	for _, path := range []string{"/api/health", "/_/"} {
		if csp := get(h, path).Header().Get("Content-Security-Policy"); strings.Contains(csp, "sha256-") {
			t.Errorf("%s got the pages' policy: %s", path, csp)
		}
	}

	// A copy of the pages whose import map is edited while serving.
	dir := t.TempDir()
	page := "<!doctype html><script type=\"importmap\">\r\n{ \"imports\": { \"a\": \"/a.mjs\" } }\r\n</script><p>x</p>"
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	app2 := testapp.New(t)
	hooks.ServePages(app2, func() string { return dir })
	h2 := testapp.Handler(t, app2)
	// The browser hashes the script text with CR LF read as LF.
	first := opsCSPHash("\n{ \"imports\": { \"a\": \"/a.mjs\" } }\n")
	if csp := get(h2, "/").Header().Get("Content-Security-Policy"); !strings.Contains(csp, first) {
		t.Fatalf("CSP %s lacks %s", csp, first)
	}
	edited := strings.Replace(page, "/a.mjs", "/b.mjs", 1)
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute) // a modification time surely different
	if err := os.Chtimes(filepath.Join(dir, "index.html"), later, later); err != nil {
		t.Fatal(err)
	}
	second := opsCSPHash("\n{ \"imports\": { \"a\": \"/b.mjs\" } }\n")
	if csp := get(h2, "/").Header().Get("Content-Security-Policy"); !strings.Contains(csp, second) || strings.Contains(csp, first) {
		t.Fatalf("after the edit the CSP is %s, want %s and not %s", csp, second, first)
	}
}

// servePagesFrom writes files (path under dir → content) into dir, serves
// the pages from it as the server does (hooks.ServePages) and returns a GET
// of path with the given header pairs.
func servePagesFrom(t *testing.T, dir string, files map[string]string) func(path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return dir })
	h := testapp.Handler(t, app)
	return func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
}
