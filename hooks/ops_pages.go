package hooks

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ServePages serves the pages (residents' portal at /, staff workspace at
// /staff/) from the directory dir() names — read when the server starts,
// after the command line is parsed — like PocketBase's own pb_public, so an
// office can restyle them without rebuilding. Every response outside /api/
// and /_/ carries the security headers of pageHeaders.
func ServePages(app core.App, dir func() string) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(se *core.ServeEvent) error {
			csp := &pagePolicy{dir: dir()}
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				p := e.Request.URL.Path
				if !strings.HasPrefix(p, "/api/") && p != "/api" && !strings.HasPrefix(p, "/_/") && p != "/_" {
					pageHeaders(e.Response.Header(), csp.header())
				}
				return e.Next()
			})
			se.Router.BindFunc(compressJSON)
			if !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				se.Router.GET("/{path...}", servePublic(csp.dir)).Bind(compressPages())
			}
			return se.Next()
		},
		Priority: 999, // after every API route
	})
}

// Caching of the page files: the vendored packages are named by their
// version in the import maps (/vendor/preact.mjs?v=11.2.0, checked against
// package.json by TestVendorVersionsInImportMaps), so a browser keeps them
// for a year without asking again; everything else — the pages, the app's
// own modules and styles, which an office may edit in place — is
// revalidated on every use (no-cache) and answered 304 when unchanged, by
// its ETag or Last-Modified.
const (
	immutableCache   = "public, max-age=31536000, immutable"
	revalidatedCache = "no-cache"
)

// servePublic serves the files under dir with their caching headers.
func servePublic(dir string) func(*core.RequestEvent) error {
	fsys := os.DirFS(dir)
	static := apis.Static(fsys, false)
	return func(e *core.RequestEvent) error {
		h := e.Response.Header()
		if strings.HasPrefix(e.Request.URL.Path, "/vendor/") && e.Request.URL.Query().Get("v") != "" {
			h.Set("Cache-Control", immutableCache)
		} else {
			h.Set("Cache-Control", revalidatedCache)
			name := strings.TrimPrefix(path.Clean("/"+e.Request.PathValue(apis.StaticWildcardParam)), "/")
			if name == "" {
				name = "."
			}
			if fi, err := fs.Stat(fsys, name); err == nil {
				if fi.IsDir() {
					fi, err = fs.Stat(fsys, path.Join(name, "index.html"))
				}
				if err == nil && !fi.IsDir() {
					// A weak tag: the same file gzipped or not is the same page.
					h.Set("ETag", fmt.Sprintf(`W/"%x-%x"`, fi.Size(), fi.ModTime().UnixNano()))
				}
			}
		}
		// Byte ranges of a compressed response are not ranges of the file:
		// the whole file is sent (no page asks for a range).
		if acceptsGzip(e.Request) {
			e.Request.Header.Del("Range")
		}
		e.Response = &notModifiedWriter{ResponseWriter: e.Response}
		return static(e)
	}
}

// compressibleTypes are the page files worth compressing; images and
// fonts are compressed already.
var compressibleTypes = []string{".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".map", ".webmanifest"}

// compressPages gzips the page files (PocketBase's own Gzip middleware),
// for the clients that accept it; responses under 1 KB go as they are.
func compressPages() *hook.Handler[*core.RequestEvent] {
	gz := apis.GzipWithConfig(apis.GzipConfig{MinLength: 1024})
	return &hook.Handler[*core.RequestEvent]{
		Func: func(e *core.RequestEvent) error {
			p := e.Request.URL.Path
			ext := strings.ToLower(path.Ext(p))
			if strings.HasSuffix(p, "/") || slices.Contains(compressibleTypes, ext) {
				return gz.Func(e)
			}
			return e.Next()
		},
	}
}

func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
}

// pageHeaders sets the headers of a page response. The policy allows the
// pages' own files and nothing else: scripts from the same origin plus the
// inline import maps by hash (no 'unsafe-inline', no eval), styles from the
// same origin (no inline <style> or style attributes: the pages set styles
// through the DOM, which CSP does not restrict; the ECharts tooltip is drawn
// on its canvas), the printable notices' style and print button by hash,
// images also from blob: (previews of photos being attached) and data: (the
// signature pad), connections (API, realtime) to the same origin only, no
// plugins, no framing by other sites, no <base> or form posts elsewhere;
// the one worker is the site's own service worker (/sw.js, Web Push).
func pageHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	// No page uses the camera API (photos come through a file input, which
	// needs no permission), the microphone, location or payment requests.
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

// pagePolicy is the Content-Security-Policy of the pages, with the hashes of
// the inline scripts (the import maps) of the HTML files in dir. The hashes
// are recomputed when one of those files changes, so an office that edits an
// import map does not have to restart the server.
type pagePolicy struct {
	dir string

	mu     sync.Mutex
	files  map[string]time.Time // the HTML files hashed, by modification time
	policy string
}

func (p *pagePolicy) header() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.policy == "" || p.changed() {
		hashes, files := inlineScriptHashes(p.dir)
		styles, handlers := printableSources()
		if len(handlers) > 0 {
			hashes = append(append(hashes, "'unsafe-hashes'"), handlers...)
		}
		p.files = files
		p.policy = "default-src 'self'; script-src 'self'" + sources(hashes) + "; style-src 'self'" + sources(styles) +
			"; img-src 'self' blob: data:; font-src 'self'; connect-src 'self'; worker-src 'self'" +
			"; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	}
	return p.policy
}

func sources(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return " " + strings.Join(list, " ")
}

func hashSource(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

var inlineStyle = regexp.MustCompile(`(?is)<style\b[^>]*>(.*?)</style\s*>`)

var inlineHandler = regexp.MustCompile(`(?i)\son[a-z]+="([^"]*)"`)

// printableSources are the CSP sources of the printable notices that the
// API serves as whole HTML pages (the rectification and the reminder
// notice). The portal opens them as blob: documents, and a blob: document
// inherits the policy of the page that made it: their <style> block and
// their print button's onclick are admitted by hash ('unsafe-hashes' lets a
// hash cover an event-handler attribute; only print() is listed). The
// hashes are taken from the templates as rendered, so they follow edits.
func printableSources() (styles, handlers []string) {
	for _, t := range []*template.Template{rectificationPage, noticePage, serviceStatementPage} {
		var b strings.Builder
		if err := t.Execute(&b, map[string]any{}); err != nil {
			continue
		}
		for _, m := range inlineStyle.FindAllStringSubmatch(b.String(), -1) {
			if h := hashSource(m[1]); !slices.Contains(styles, h) {
				styles = append(styles, h)
			}
		}
		for _, m := range inlineHandler.FindAllStringSubmatch(b.String(), -1) {
			if h := hashSource(html.UnescapeString(m[1])); !slices.Contains(handlers, h) {
				handlers = append(handlers, h)
			}
		}
	}
	return styles, handlers
}

// changed reports whether an HTML file hashed last time was modified or
// removed since.
func (p *pagePolicy) changed() bool {
	for f, mod := range p.files {
		fi, err := os.Stat(f)
		if err != nil || !fi.ModTime().Equal(mod) {
			return true
		}
	}
	return false
}

var inlineScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)

var srcAttr = regexp.MustCompile(`(?i)\bsrc\s*=`)

// inlineScriptHashes returns the CSP sources ('sha256-…') of every inline
// <script> of the HTML files under dir, and those files with their
// modification times. An unreadable directory gives no hashes: the pages'
// inline scripts are then refused, and the browser console says why.
func inlineScriptHashes(dir string) ([]string, map[string]time.Time) {
	files := map[string]time.Time{}
	var hashes []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != dir && (d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(strings.ToLower(d.Name()), ".html") {
			return nil
		}
		b, err := os.ReadFile(path)
		fi, serr := d.Info()
		if err != nil || serr != nil {
			return nil
		}
		files[path] = fi.ModTime()
		// The browser hashes the script's text after the HTML parser has
		// turned every CR LF and lone CR into LF.
		text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
		for _, m := range inlineScript.FindAllStringSubmatch(text, -1) {
			if srcAttr.MatchString(m[1]) {
				continue
			}
			if h := hashSource(m[2]); !slices.Contains(hashes, h) {
				hashes = append(hashes, h)
			}
		}
		return nil
	})
	slices.Sort(hashes)
	return hashes, files
}
