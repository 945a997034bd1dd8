package hooks_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The pages are served compressed and cached (issue #19: the field app
// fetched 1.1 MB uncompressed, asked again on every visit): text files
// gzipped for the browsers that accept it; the vendored packages, whose URLs
// carry their version, kept for a year (immutable); the pages and the app's
// own files revalidated each time (no-cache) and answered 304 by ETag or
// Last-Modified when unchanged.
func TestPagesCompressedAndCached(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("export const x = '物业客服中心';\n", 200)
	files := map[string]string{
		"index.html":         "<!doctype html><title>物业</title>" + strings.Repeat("<p>住户服务</p>", 200),
		"staff/index.html":   "<!doctype html><title>员工</title>" + strings.Repeat("<p>工作台</p>", 200),
		"js/app.js":          big,
		"js/tiny.js":         "export const y = 1;\n",
		"vendor/preact.mjs":  big,
		"img/photo.png":      strings.Repeat("\x89PNG", 600),
		"css/app.css":        strings.Repeat("body { color: #111; }\n", 100),
		"vendor/unnamed.mjs": big,
	}
	get := servePagesFrom(t, dir, files)

	for _, c := range []struct{ path, cache, file string }{
		{"/", "no-cache", "index.html"}, {"/staff/", "no-cache", "staff/index.html"}, {"/js/app.js", "no-cache", "js/app.js"},
		{"/css/app.css", "no-cache", "css/app.css"}, {"/vendor/preact.mjs?v=11.2.0", "public, max-age=31536000, immutable", "vendor/preact.mjs"},
		// Without a version in its URL a vendored file is revalidated too.
		{"/vendor/unnamed.mjs", "no-cache", "vendor/unnamed.mjs"},
	} {
		rec := get(c.path, "Accept-Encoding", "gzip, deflate, br")
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Cache-Control") != c.cache {
			t.Fatalf("%s: %d, Content-Encoding %q, Cache-Control %q", c.path, rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
		}
		if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", c.path, rec.Header().Values("Vary"))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		body, err := io.ReadAll(zr)
		want, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.file)))
		if err != nil || string(body) != string(want) {
			t.Fatalf("%s: the gzipped body is not the file (%v)", c.path, err)
		}
		if c.cache == "no-cache" {
			tag := rec.Header().Get("ETag")
			if tag == "" || rec.Header().Get("Last-Modified") == "" {
				t.Fatalf("%s: no ETag / Last-Modified to revalidate with", c.path)
			}
			if again := get(c.path, "Accept-Encoding", "gzip", "If-None-Match", tag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Fatalf("%s: revalidation answered %d with %d bytes", c.path, again.Code, again.Body.Len())
			}
			if again := get(c.path, "If-Modified-Since", rec.Header().Get("Last-Modified")); again.Code != http.StatusNotModified {
				t.Fatalf("%s: If-Modified-Since answered %d", c.path, again.Code)
			}
		}
	}
	// Not compressed: for a client that does not accept gzip, a file under
	// 1 KB, an image; the page security headers stay on every one.
	if rec := get("/js/app.js"); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != big {
		t.Fatal("gzip sent to a client that did not ask for it")
	}
	if rec := get("/js/tiny.js", "Accept-Encoding", "gzip"); rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
		t.Fatalf("a 20-byte file: %d %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if rec := get("/img/photo.png", "Accept-Encoding", "gzip"); rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" ||
		rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("an image: %d %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	// A byte range of a gzipped file would be a range of the wrong bytes:
	// the whole file is sent.
	if rec := get("/js/app.js", "Accept-Encoding", "gzip", "Range", "bytes=0-9"); rec.Code != 200 {
		t.Fatalf("a range with gzip: %d", rec.Code)
	}
	// The API is PocketBase's, not cached as a page.
	if rec := get("/api/health", "Accept-Encoding", "gzip"); rec.Header().Get("Cache-Control") == "public, max-age=31536000, immutable" {
		t.Fatal("the API cached as immutable")
	}
}

// A vendored file is cached for a year under its version, so the version in
// the pages' import maps must be the one package.json installs: a package
// upgraded without its import map would be kept stale in every browser.
func TestVendorVersionsInImportMaps(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile("../package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	script, _ := os.ReadFile("../scripts/web")
	// node_modules path → vendor name, as scripts/web copies them.
	copies := regexp.MustCompile(`(?m)^([a-z-]+)/\S+ (\S+\.mjs)$`).FindAllStringSubmatch(string(script), -1)
	if len(copies) < 4 {
		t.Fatalf("scripts/web copies %d files?", len(copies))
	}
	entry := regexp.MustCompile(`"(/vendor/[^"?]+)(\?v=([^"]*))?"`)
	for _, page := range []string{"../pb_public/index.html", "../pb_public/staff/index.html"} {
		html, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		found := entry.FindAllStringSubmatch(string(html), -1)
		if len(found) == 0 {
			t.Fatalf("%s: no vendored imports", page)
		}
		for _, m := range found {
			pkgName := ""
			for _, c := range copies {
				if "/vendor/"+c[2] == m[1] {
					pkgName = c[1]
				}
			}
			if pkgName == "" || pkg.Dependencies[pkgName] == "" {
				t.Fatalf("%s: %s is not a file scripts/web copies from a dependency", page, m[1])
			}
			if m[3] != pkg.Dependencies[pkgName] {
				t.Errorf("%s: %s?v=%s, but package.json installs %s %s", page, m[1], m[3], pkgName, pkg.Dependencies[pkgName])
			}
		}
	}
}
