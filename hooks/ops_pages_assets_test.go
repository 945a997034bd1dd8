package hooks_test

import (
	"crypto/sha256"
	"encoding/hex"
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

// opsContentHash is the name the server gives a file's content: the first
// 16 hex digits of its SHA-256.
func opsContentHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:8])
}

// Issue #23 (useful content within 2 s on a slow phone): a warm load asks
// for no module of the app. The page the server sends names every module it
// can load by content in its import map (relative imports included: the map
// remaps full URLs), its preload links, module scripts and style sheets take
// the same hashed URLs, and those are kept for a year (immutable); the page
// itself is revalidated. The CSP admits exactly the inline scripts as sent
// (the import map is written at serve time). A module edited in place, no
// restart, gets a new hash in the next page; the old hash is no longer kept.
// The modules of the screen the URL's hash opens are preloaded by an inline
// script with the shell's (the hash never reaches the server). This is the
// path of WUYE_PAGES_BUNDLE=off (the modules one by one, for development,
// and the fallback of a shell that does not bundle); the bundles:
// TestPagesServeShellBundles.
func TestPagesNameModulesByContent(t *testing.T) {
	t.Setenv("WUYE_PAGES_BUNDLE", "off")
	dir := t.TempDir()
	files := map[string]string{
		"index.html": "<!doctype html><head>\r\n<script type=\"importmap\">\n{ \"imports\": { \"preact\": \"/vendor/preact.mjs?v=11.2.0\" } }\n</script>\n" +
			"<link rel=\"stylesheet\" href=\"/css/app.css\">\n<link rel=\"modulepreload\" href=\"/js/core/api.js\">\n" +
			"<script type=\"module\" src=\"/js/portal/main.js\"></script></head><body></body>",
		"js/core/api.js":    "import { h } from 'preact';\nexport const api = 1; // 物业\n",
		"js/core/format.js": "export const yuan = (f) => f / 100;\n",
		"js/portal/main.js": "import { api } from '../core/api.js';\n" +
			"const Home = lazy(() => import('./home.js').then((m) => m.Home));\n" +
			"const RepairNew = lazy(() => import('./repairs/new.js').then((m) => m.RepairNew));\n" +
			"const routes = [\n  ['/', Home],\n  ['/repairs/new', RepairNew],\n];\n",
		"js/portal/home.js":           "import { yuan } from '../core/format.js';\nexport const Home = 1;\n",
		"js/portal/repairs/new.js":    "import { api } from '../../core/api.js';\nimport './common.js';\nexport const RepairNew = 1;\n",
		"js/portal/repairs/common.js": "export const c = 1;\n",
		"js/staff/only.js":            "export const staffOnly = 1;\n", // no page of / loads it
		"css/app.css":                 "body { color: #111; }\n",
	}
	get := servePagesFrom(t, dir, files)
	hashed := func(url string) string { return url + "?v=" + opsContentHash(files[strings.TrimPrefix(url, "/")]) }

	check := func(label string) (page string, etag string) {
		t.Helper()
		rec := get("/")
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s: the page: %d, Cache-Control %q", label, rec.Code, rec.Header().Get("Cache-Control"))
		}
		page = rec.Body.String()
		blocks := opsScriptBlocks(page)
		if len(blocks) != 2 {
			t.Fatalf("%s: want the import map and the screen loader inline, got %d scripts: %s", label, len(blocks), page)
		}
		var doc struct{ Imports map[string]string }
		if err := json.Unmarshal([]byte(blocks[0]), &doc); err != nil {
			t.Fatalf("%s: the import map: %v\n%s", label, err, blocks[0])
		}
		// Every module the page can load (statically or by import()), by content; the vendored entry kept.
		want := map[string]string{"preact": "/vendor/preact.mjs?v=11.2.0"}
		for _, u := range []string{"/js/core/api.js", "/js/core/format.js", "/js/portal/main.js", "/js/portal/home.js", "/js/portal/repairs/new.js", "/js/portal/repairs/common.js"} {
			want[u] = hashed(u)
		}
		if len(doc.Imports) != len(want) {
			t.Errorf("%s: the import map has %d entries, want %d: %v", label, len(doc.Imports), len(want), doc.Imports)
		}
		for k, v := range want {
			if doc.Imports[k] != v {
				t.Errorf("%s: the import map maps %s to %q, want %q", label, k, doc.Imports[k], v)
			}
		}
		// Links are URLs, which an import map does not remap: they carry the hash themselves.
		for _, ref := range []string{`href="` + hashed("/css/app.css") + `"`, `href="` + hashed("/js/core/api.js") + `"`, `src="` + hashed("/js/portal/main.js") + `"`} {
			if !strings.Contains(page, ref) {
				t.Errorf("%s: the page lacks %s:\n%s", label, ref, page)
			}
		}
		// The CSP admits exactly the inline scripts as sent, and stays strict.
		scripts := opsCSPDirective(rec.Header().Get("Content-Security-Policy"), "script-src")
		if strings.Contains(scripts, "'unsafe-inline'") || strings.Contains(scripts, "'unsafe-eval'") {
			t.Errorf("%s: script-src too wide: %s", label, scripts)
		}
		for _, b := range blocks {
			if !strings.Contains(scripts, opsCSPHash(b)) {
				t.Errorf("%s: the inline script's hash %s is not in %s", label, opsCSPHash(b), scripts)
			}
		}
		// The loader: the repair form's module and its static imports not preloaded by the page, for its route.
		loader := blocks[1]
		if !strings.Contains(loader, `"/repairs/new"`) || !strings.Contains(loader, hashed("/js/portal/repairs/new.js")) ||
			!strings.Contains(loader, hashed("/js/portal/repairs/common.js")) || !strings.Contains(loader, hashed("/js/portal/home.js")) {
			t.Errorf("%s: the screen loader lacks a route or module:\n%s", label, loader)
		}
		if strings.Contains(loader, "/js/core/api.js") || strings.Contains(loader, "/js/staff/") {
			t.Errorf("%s: the screen loader preloads what the page preloads already, or another page's module:\n%s", label, loader)
		}
		return page, rec.Header().Get("ETag")
	}

	_, etag := check("first")
	for _, u := range []string{"/js/core/api.js", "/js/portal/repairs/common.js", "/css/app.css"} {
		rec := get(hashed(u), "Accept-Encoding", "gzip")
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", hashed(u), rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	// A hash that is not the file's (a page from before an edit): the file, revalidated.
	if rec := get("/js/core/api.js?v=0123456789abcdef"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("a stale hash: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec := get("/", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Fatalf("the page revalidated: %d", rec.Code)
	}

	// An office edits a module in place, without restarting.
	old := hashed("/js/core/format.js")
	files["js/core/format.js"] = "export const yuan = (f) => (f / 100).toFixed(2);\n"
	p := filepath.Join(dir, "js", "core", "format.js")
	if err := os.WriteFile(p, []byte(files["js/core/format.js"]), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	page, etag2 := check("after the edit")
	if strings.Contains(page, old) || etag2 == etag {
		t.Fatalf("the edited module kept its hash (%s) or the page its tag", old)
	}
	if rec := get("/", "If-None-Match", etag); rec.Code != 200 {
		t.Fatalf("the page after an edit revalidated with the old tag: %d", rec.Code)
	}
	if rec := get(old); rec.Header().Get("Cache-Control") != "no-cache" || rec.Body.String() != files["js/core/format.js"] {
		t.Errorf("the old hash after the edit: Cache-Control %q, body %q", rec.Header().Get("Cache-Control"), rec.Body.String())
	}
	if rec := get(hashed("/js/core/format.js")); rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("the new hash: Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
}

// The real pages: every app module and style sheet the shells link is
// named by content, and the inline scripts (import map, screen loader, the
// first read) are admitted by the policy sent with the page. The modules
// one by one (WUYE_PAGES_BUNDLE=off); the bundles: TestShellsServeTheirBundles.
func TestShellsNameModulesByContent(t *testing.T) {
	t.Setenv("WUYE_PAGES_BUNDLE", "off")
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return "../pb_public" })
	h := testapp.Handler(t, app)
	bare := regexp.MustCompile(`(?:src|href)="(/(?:js|css)/[^"?]+)"`)
	for _, path := range []string{"/", "/staff/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		page := rec.Body.String()
		if m := bare.FindAllString(page, -1); len(m) > 0 {
			t.Errorf("%s links files without their hash: %v", path, m)
		}
		if !strings.Contains(page, `"/js/core/api.js": "/js/core/api.js?v=`) {
			t.Errorf("%s: the import map does not name the modules by content", path)
		}
		scripts := opsCSPDirective(rec.Header().Get("Content-Security-Policy"), "script-src")
		blocks := opsScriptBlocks(page)
		if len(blocks) != 3 {
			t.Errorf("%s: %d inline scripts, want the import map, the screen loader and the first read", path, len(blocks))
		}
		for _, b := range blocks {
			if !strings.Contains(scripts, opsCSPHash(b)) {
				t.Errorf("%s: the inline script's hash %s is not in %s", path, opsCSPHash(b), scripts)
			}
		}
		// A module as the page names it: kept for a year, with nothing but what a script needs
		// (no page policy, no revalidation headers: 1,300 bytes of headers on a 400-byte module before).
		ref := regexp.MustCompile(`"(/js/core/html\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
		if ref == nil {
			t.Fatalf("%s: html.js is not linked by content", path)
		}
		mod := httptest.NewRecorder()
		h.ServeHTTP(mod, httptest.NewRequest(http.MethodGet, ref[1], nil))
		hd := mod.Header()
		if mod.Code != 200 || hd.Get("Cache-Control") != "public, max-age=31536000, immutable" || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %v", ref[1], mod.Code, hd)
		}
		for _, k := range []string{"Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Last-Modified", "Accept-Ranges", "X-Xss-Protection"} {
			if hd.Get(k) != "" {
				t.Errorf("%s carries %s", ref[1], k)
			}
		}
	}
	// The service worker is a document of its own: it keeps the policy.
	sw := httptest.NewRecorder()
	h.ServeHTTP(sw, httptest.NewRequest(http.MethodGet, "/sw.js", nil))
	if sw.Code != 200 || sw.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("/sw.js: %d without its policy", sw.Code)
	}
}
