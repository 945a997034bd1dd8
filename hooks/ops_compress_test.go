package hooks_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// Pages on a slow phone (issue #23, docs/FRONTEND.md): the API's JSON goes
// gzipped to a client that accepts it; the realtime stream is never
// compressed (gzip would hold its events in a buffer) and neither are file
// downloads (an .xlsx is a zip already).
func TestAPIJSONCompressed(t *testing.T) {
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return "../pb_public" })
	h := testapp.Handler(t, app)
	get := func(ctx context.Context, path, email string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		if email != "" {
			req.Header.Set("Authorization", testapp.Token(t, email))
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	bg := context.Background()

	// The flow table every page loads first: JSON, gzipped, the same document.
	plain := get(bg, "/api/wuye/flows", "")
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("flows without Accept-Encoding: %d %q", plain.Code, plain.Header().Get("Content-Encoding"))
	}
	zipped := get(bg, "/api/wuye/flows", "", "Accept-Encoding", "gzip, deflate, br")
	if zipped.Code != 200 || zipped.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("flows with Accept-Encoding gzip: %d %q", zipped.Code, zipped.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(strings.Join(zipped.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("flows: Vary %q", zipped.Header().Values("Vary"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	var doc, plainDoc map[string]any
	if err != nil || json.Unmarshal(body, &doc) != nil || json.Unmarshal(plain.Body.Bytes(), &plainDoc) != nil || doc["flows"] == nil ||
		!reflect.DeepEqual(doc, plainDoc) {
		t.Fatalf("the gzipped flows are not the flows (%v)", err)
	}
	if zipped.Body.Len() > plain.Body.Len()/3 {
		t.Errorf("flows: %d bytes gzipped of %d", zipped.Body.Len(), plain.Body.Len())
	}

	// A records list (PocketBase's own route) is compressed too; a small
	// answer and an error are not.
	if rec := get(bg, "/api/collections/work_orders/records?perPage=50", "supervisor@example.com", "Accept-Encoding", "gzip"); rec.Code != 200 ||
		rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("a records list: %d %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if rec := get(bg, "/api/health", "", "Accept-Encoding", "gzip"); rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" ||
		!json.Valid(rec.Body.Bytes()) {
		t.Fatalf("a small answer: %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	if rec := get(bg, "/api/collections/work_orders/records/nosuchrecord00", "supervisor@example.com", "Accept-Encoding", "gzip"); rec.Code != 404 ||
		rec.Header().Get("Content-Encoding") != "" || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("an error: %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
	}

	// An Excel download goes as it is.
	if rec := get(bg, "/api/wuye/imports/templates/units", "supervisor@example.com", "Accept-Encoding", "gzip"); rec.Code != 200 ||
		rec.Header().Get("Content-Encoding") != "" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
		t.Fatalf("an .xlsx: %d %q %.20q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
	}

	// The realtime stream: an event stream, not compressed, its first
	// event (PB_CONNECT) written out at once.
	ctx, cancel := context.WithTimeout(bg, 700*time.Millisecond)
	defer cancel()
	rec := get(ctx, "/api/realtime", "", "Accept-Encoding", "gzip")
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/event-stream") || rec.Header().Get("Content-Encoding") != "" ||
		!strings.Contains(rec.Body.String(), "PB_CONNECT") {
		t.Fatalf("realtime: %q %q %q", rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
}

// A page file answered 304 carries only what revalidation needs (the
// browser keeps the stored response's security headers): a warm load of a
// page revalidates each of its modules. A deployed change is picked up: the
// changed file has a new ETag and comes whole (200), not 304.
func TestPagesRevalidatedAfterDeploy(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "js", "app.js")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	v1 := strings.Repeat("export const v = 1; // 物业\n", 100)
	if err := os.WriteFile(file, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>物业</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := testapp.New(t)
	hooks.ServePages(app, func() string { return dir })
	h := testapp.Handler(t, app)
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	first := get("/js/app.js", "Accept-Encoding", "gzip")
	tag := first.Header().Get("ETag")
	if first.Code != 200 || tag == "" || first.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("first load: %d, ETag %q, headers %v", first.Code, tag, first.Header())
	}
	// A module carries no page policy (it applies to documents; issue #23:
	// on a 1 KB module the page headers were more than the module).
	for _, k := range []string{"Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"} {
		if first.Header().Get(k) != "" {
			t.Errorf("a module carries %s", k)
		}
	}
	again := get("/js/app.js", "Accept-Encoding", "gzip", "If-None-Match", tag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("revalidation: %d with %d bytes", again.Code, again.Body.Len())
	}
	if again.Header().Get("ETag") != tag || again.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("a 304 keeps ETag and Cache-Control: %v", again.Header())
	}
	for _, k := range []string{"Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Referrer-Policy"} {
		if again.Header().Get(k) != "" {
			t.Errorf("a 304 repeats %s", k)
		}
	}
	size := 0
	for k, vs := range again.Header() {
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if size > 200 {
		t.Errorf("a 304's headers are %d bytes: %v", size, again.Header())
	}
	// The HTML page is revalidated the same way.
	page := get("/")
	if page.Header().Get("Cache-Control") != "no-cache" || page.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("the page: %v", page.Header())
	}
	if r := get("/", "If-None-Match", page.Header().Get("ETag")); r.Code != http.StatusNotModified {
		t.Fatalf("the page revalidated: %d", r.Code)
	}

	// A deploy replaces the file.
	v2 := strings.Repeat("export const v = 2; // 物业客服\n", 100)
	if err := os.WriteFile(file, []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	fresh := get("/js/app.js", "If-None-Match", tag)
	if fresh.Code != 200 || fresh.Body.String() != v2 || fresh.Header().Get("ETag") == tag || fresh.Header().Get("ETag") == "" {
		t.Fatalf("after the deploy: %d, ETag %q (was %q), new body %v", fresh.Code, fresh.Header().Get("ETag"), tag, fresh.Body.String() == v2)
	}
}

// Each shell preloads (<link rel="modulepreload">) exactly the modules its
// main.js imports statically, directly or through other modules, so that
// a slow phone fetches them in one round trip instead of one per level of
// imports (issue #23); a screen's own modules are left to its lazy import.
func TestModulePreloadsAreTheShellsImports(t *testing.T) {
	importLine := regexp.MustCompile(`(?m)^(?:import|export)\s[^;]*?from\s+'([^']+)';|^import\s+'([^']+)';`)
	mapEntry := regexp.MustCompile(`"([a-z/]+)":\s*"([^"]+)"`)
	preload := regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`)
	for shell, main := range map[string]string{"index.html": "/js/portal/main.js", "staff/index.html": "/js/staff/main.js"} {
		b, err := os.ReadFile(filepath.Join("../pb_public", shell))
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		imports := map[string]string{}
		for _, m := range mapEntry.FindAllStringSubmatch(page, -1) {
			imports[m[1]] = m[2]
		}
		want := map[string]bool{}
		var walk func(url string)
		walk = func(url string) {
			if want[url] {
				return
			}
			want[url] = true
			if strings.HasPrefix(url, "/vendor/") {
				if strings.Contains(url, "preact-hooks") {
					walk(imports["preact"]) // hooks imports preact
				}
				return
			}
			src, err := os.ReadFile(filepath.Join("../pb_public", filepath.FromSlash(url)))
			if err != nil {
				t.Fatalf("%s imports %s: %v", shell, url, err)
			}
			for _, m := range importLine.FindAllStringSubmatch(string(src), -1) {
				spec := m[1] + m[2]
				if strings.HasPrefix(spec, ".") {
					walk(path.Join(path.Dir(url), spec))
				} else if imports[spec] != "" {
					walk(imports[spec])
				} else {
					t.Fatalf("%s: %q is not in the import map", url, spec)
				}
			}
		}
		walk(main)
		delete(want, main)
		got := map[string]bool{}
		for _, m := range preload.FindAllStringSubmatch(page, -1) {
			got[m[1]] = true
			if !want[m[1]] {
				t.Errorf("%s preloads %s, which %s does not import", shell, m[1], main)
			}
		}
		for u := range want {
			if !got[u] {
				t.Errorf("%s does not preload %s, which %s imports", shell, u, main)
			}
		}
		if strings.Index(page, "modulepreload") < strings.Index(page, `type="importmap"`) {
			t.Errorf("%s: a module preloaded before the import map", shell)
		}
	}
}
