package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"wuye/hooks"
	"wuye/internal/testapp"
)

var (
	bundleScript  = regexp.MustCompile(`<script type="module" src="(/js/[^"]+)"`)
	bundlePreload = regexp.MustCompile(`<link rel="modulepreload" href="(/js/[^"]+)"`)
	bundleLoader  = regexp.MustCompile(`(?s)var m = (\[.*?\]);\nvar r = (\[.*?\]);\nvar p`)
	bundleImport  = regexp.MustCompile(`(?:from|import)\s*"(\.{1,2}/[^"]+)"`)
	bundleName    = regexp.MustCompile(`^/js/[a-z_/]+-[A-Z0-9]{8}\.js$`)
)

// screenFiles reads the screen loader of a page: the files it preloads for
// each route pattern.
func screenFiles(t *testing.T, page string) map[string][]string {
	t.Helper()
	m := bundleLoader.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no screen loader in the page:\n%s", page)
	}
	var urls []string
	var routes [][2]json.RawMessage
	if err := json.Unmarshal([]byte(m[1]), &urls); err != nil {
		t.Fatalf("the loader's files: %v", err)
	}
	if err := json.Unmarshal([]byte(m[2]), &routes); err != nil {
		t.Fatalf("the loader's routes: %v", err)
	}
	out := map[string][]string{}
	for _, r := range routes {
		var pattern string
		var idx []int
		if json.Unmarshal(r[0], &pattern) != nil || json.Unmarshal(r[1], &idx) != nil {
			t.Fatalf("a loader route: %s", r)
		}
		for _, i := range idx {
			out[pattern] = append(out[pattern], urls[i])
		}
	}
	return out
}

// staticImports are the files a bundle output imports statically, as URLs.
func staticImports(url, body string) []string {
	var out []string
	for _, m := range bundleImport.FindAllStringSubmatch(body, -1) {
		out = append(out, path.Join(path.Dir(url), m[1]))
	}
	return out
}

// Issue #23, item 1: a cold load fetched a shell's ~20 modules as ~20
// requests, six at a time at a 150 ms round trip. The server bundles each
// shell with esbuild as it reads the files: the page names the shell's
// bundle, preloads every chunk the bundle imports statically (no import
// found only once its importer has come), and the screen loader preloads a
// route's screen bundle and its chunks; each output is named by its
// content and kept a year. The vendored packages stay the import map's. An
// edit makes new bundles (the last build's files are still served, for a
// page loaded before it); a shell that does not bundle is served as its
// modules one by one.
func TestPagesServeShellBundles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html": "<!doctype html><head>\n<script type=\"importmap\">\n{ \"imports\": { \"preact\": \"/vendor/preact.mjs?v=11.2.0\" } }\n</script>\n" +
			"<link rel=\"stylesheet\" href=\"/css/app.css\">\n<link rel=\"modulepreload\" href=\"/vendor/preact.mjs?v=11.2.0\">\n" +
			"<link rel=\"modulepreload\" href=\"/js/core/api.js\">\n<link rel=\"modulepreload\" href=\"/js/core/format.js\">\n" +
			"<script type=\"module\" src=\"/js/portal/main.js\"></script></head><body></body>",
		"js/core/api.js":    "import { h } from 'preact';\nexport const api = () => h('api-marker');\n",
		"js/core/format.js": "export const yuan = (f) => 'yuan-marker' + f / 100;\n",
		"js/portal/main.js": "import { api } from '../core/api.js';\nimport { yuan } from '../core/format.js';\nconst lazy = (f) => f;\n" +
			"const Home = lazy(() => import('./home.js').then((m) => m.Home));\n" +
			"const RepairNew = lazy(() => import('./repairs/new.js').then((m) => m.RepairNew));\n" +
			"export const routes = [\n  ['/', Home],\n  ['/repairs/new', RepairNew],\n];\nconsole.log(api(), yuan(1));\n",
		"js/portal/home.js":           "import { yuan } from '../core/format.js';\nexport const Home = () => yuan(2) + 'home-marker';\n",
		"js/portal/repairs/new.js":    "import { api } from '../../core/api.js';\nimport { c } from './common.js';\nexport const RepairNew = () => api() + c;\n",
		"js/portal/repairs/common.js": "export const c = 'common-marker';\n",
		"css/app.css":                 "body { color: #111; }\n",
	}
	get := servePagesFrom(t, dir, files)
	immutable := "public, max-age=31536000, immutable"

	check := func(label string) (page string, screens map[string][]string) {
		t.Helper()
		rec := get("/")
		page = rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: the page: %d", label, rec.Code)
		}
		scripts := bundleScript.FindAllStringSubmatch(page, -1)
		if len(scripts) != 1 || !bundleName.MatchString(scripts[0][1]) || !strings.HasPrefix(scripts[0][1], "/js/portal/main-") {
			t.Fatalf("%s: want the shell's bundle as the one module script, got %v:\n%s", label, scripts, page)
		}
		if strings.Contains(page, `href="/js/core/`) || strings.Contains(page, `"/js/core/api.js"`) {
			t.Errorf("%s: the page still names the shell's modules:\n%s", label, page)
		}
		if !strings.Contains(page, `<link rel="modulepreload" href="/vendor/preact.mjs?v=11.2.0">`) || !strings.Contains(page, `"preact": "/vendor/preact.mjs?v=11.2.0"`) {
			t.Errorf("%s: the vendored package lost its preload or import map entry:\n%s", label, page)
		}
		csp := opsCSPDirective(rec.Header().Get("Content-Security-Policy"), "script-src")
		for _, b := range opsScriptBlocks(page) {
			if !strings.Contains(csp, opsCSPHash(b)) {
				t.Errorf("%s: the inline script's hash %s is not in %s", label, opsCSPHash(b), csp)
			}
		}
		preloads := []string{scripts[0][1]}
		for _, m := range bundlePreload.FindAllStringSubmatch(page, -1) {
			preloads = append(preloads, m[1])
		}
		screens = screenFiles(t, page)
		for _, route := range []string{"/", "/repairs/new"} {
			if len(screens[route]) == 0 {
				t.Fatalf("%s: the loader has no files for %s", label, route)
			}
		}
		// Every output asked for: its content, kept a year; whatever it imports statically is
		// preloaded with it (the shell's with the page, a screen's by the loader).
		body := map[string]string{}
		for _, u := range append(slices.Clone(preloads), append(screens["/"], screens["/repairs/new"]...)...) {
			r := get(u, "Accept-Encoding", "gzip")
			if r.Code != 200 || r.Header().Get("Cache-Control") != immutable || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/javascript") {
				t.Errorf("%s: %s: %d, Cache-Control %q, Content-Type %q", label, u, r.Code, r.Header().Get("Cache-Control"), r.Header().Get("Content-Type"))
			}
			if r.Header().Get("Content-Security-Policy") != "" || r.Header().Get("X-Frame-Options") != "" {
				t.Errorf("%s: %s carries the page's headers", label, u)
			}
			body[u] = get(u).Body.String()
		}
		for _, group := range [][]string{preloads, append(slices.Clone(preloads), screens["/repairs/new"]...)} {
			for _, u := range group {
				for _, imp := range staticImports(u, body[u]) {
					if !slices.Contains(group, imp) {
						t.Errorf("%s: %s imports %s, which is not preloaded with it", label, u, imp)
					}
				}
			}
		}
		all := strings.Join(mapValues(body), "\n")
		for _, marker := range []string{"api-marker", "yuan-marker", "home-marker", "common-marker"} {
			if !strings.Contains(all, marker) {
				t.Errorf("%s: no bundle holds %s", label, marker)
			}
		}
		if !regexp.MustCompile(`from\s*"preact"`).MatchString(all) {
			t.Errorf("%s: the vendored package is not imported by its bare name", label)
		}
		return page, screens
	}

	page, screens := check("first")
	home := screens["/"][0]
	if !strings.HasPrefix(home, "/js/portal/home-") {
		t.Fatalf("the home screen's bundle: %v", screens["/"])
	}

	// An edit of a module the home screen uses: new bundles, the old ones still served.
	edit := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Minute)
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
	}
	edit("js/portal/home.js", "import { yuan } from '../core/format.js';\nexport const Home = () => yuan(3) + 'home-marker-2';\n")
	page2, screens2 := check("after the edit")
	if page2 == page || screens2["/"][0] == home {
		t.Fatalf("the edit did not make a new home bundle: %v", screens2["/"])
	}
	if r := get(home); r.Code != 200 || r.Header().Get("Cache-Control") != immutable {
		t.Errorf("the last build's home bundle: %d %q", r.Code, r.Header().Get("Cache-Control"))
	}

	// A shell that does not bundle (a syntax error): its modules one by one, named by content.
	edit("js/portal/home.js", "export const Home = (;\n")
	rec := get("/")
	if !strings.Contains(rec.Body.String(), `src="/js/portal/main.js?v=`) || !strings.Contains(rec.Body.String(), `"/js/core/api.js": "/js/core/api.js?v=`) {
		t.Errorf("a failed bundle: the page does not fall back to the modules:\n%s", rec.Body.String())
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// The real shells are served bundled: the field app's cold load asks for
// the shell's bundle and its chunks and the field screen's, a handful of
// files rather than ~20 modules (issue #23), each kept a year, and the
// policy admits the inline scripts as sent.
func TestShellsServeTheirBundles(t *testing.T) {
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return "../pb_public" })
	h := testapp.Handler(t, app)
	get := func(p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		return rec
	}
	for _, tc := range []struct{ page, shell, route string }{{"/", "/js/portal/main-", "/"}, {"/staff/", "/js/staff/main-", "/field"}} {
		rec := get(tc.page)
		page := rec.Body.String()
		scripts := bundleScript.FindAllStringSubmatch(page, -1)
		if len(scripts) != 1 || !strings.HasPrefix(scripts[0][1], tc.shell) || !bundleName.MatchString(scripts[0][1]) {
			t.Fatalf("%s: want the shell's bundle as the one module script, got %v", tc.page, scripts)
		}
		if m := regexp.MustCompile(`(?:src|href)="/js/(?:core|portal|staff)/[a-z_/]+\.js[?"]`).FindAllString(page, -1); len(m) > 0 {
			t.Errorf("%s: links the shell's modules: %v", tc.page, m)
		}
		csp := opsCSPDirective(rec.Header().Get("Content-Security-Policy"), "script-src")
		for _, b := range opsScriptBlocks(page) {
			if !strings.Contains(csp, opsCSPHash(b)) {
				t.Errorf("%s: the inline script's hash %s is not in %s", tc.page, opsCSPHash(b), csp)
			}
		}
		files := []string{scripts[0][1]}
		for _, m := range bundlePreload.FindAllStringSubmatch(page, -1) {
			files = append(files, m[1])
		}
		files = append(files, screenFiles(t, page)[tc.route]...)
		// ~20 modules and 4–7 of the first screen's before the bundles.
		if len(files) > 10 {
			t.Errorf("%s#%s: %d files of the app, want at most 10: %v", tc.page, tc.route, len(files), files)
		}
		for _, u := range files {
			r := get(u)
			if r.Code != 200 || r.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Body.Len() == 0 {
				t.Errorf("%s: %s: %d, Cache-Control %q", tc.page, u, r.Code, r.Header().Get("Cache-Control"))
			}
		}
	}
}
