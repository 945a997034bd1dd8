package hooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
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
			csp := newPagePolicy(dir())
			csp.assets.warn = app.Logger().Warn
			// The bundles are built now rather than by the first page request.
			csp.assets.policyFor(true)
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				p := e.Request.URL.Path
				if subresource(p) {
					e.Response.Header().Set("X-Content-Type-Options", "nosniff")
				} else if !strings.HasPrefix(p, "/api/") && p != "/api" && !strings.HasPrefix(p, "/_/") && p != "/_" {
					pageHeaders(e.Response.Header(), csp.header(p))
				}
				return e.Next()
			})
			se.Router.BindFunc(compressJSON)
			if !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				se.Router.GET("/{path...}", servePublic(csp)).Bind(compressPages())
			}
			return se.Next()
		},
		Priority: 999, // after every API route
	})
}

// Caching of the page files: the vendored packages are named by their
// version in the import maps (/vendor/preact.mjs?v=11.2.0, checked against
// package.json by TestVendorVersionsInImportMaps), and the app's own
// modules by their content (/js/core/api.js?v=<hash>, the import maps and
// preload links the server writes into each page, pageAssets), so a browser
// keeps them for a year without asking again; everything else — the pages
// themselves, the styles, a module asked for without its current hash — is
// revalidated on every use (no-cache) and answered 304 when unchanged, by
// its ETag or Last-Modified.
const (
	immutableCache   = "public, max-age=31536000, immutable"
	revalidatedCache = "no-cache"
)

// subresource reports whether urlPath is a script or style sheet of the
// pages (not the service worker, /sw.js, a document of its own): its
// response carries no page policy — a policy applies to the document (or
// worker) it comes with, and on a 1 KB module the page headers were more
// than the module (issue #23: 30 of them on a cold load, 1,300 bytes of
// headers each).
func subresource(urlPath string) bool {
	ext := strings.ToLower(path.Ext(urlPath))
	return (ext == ".js" || ext == ".mjs" || ext == ".css") && urlPath != "/sw.js"
}

// documentOnlyHeaders are headers of the router's (PocketBase's) that only
// a document uses; a script or a style sheet goes without them.
var documentOnlyHeaders = []string{"Cross-Origin-Opener-Policy", "X-Xss-Protection", "X-Frame-Options"}

// revalidationHeaders are left out of a file kept for a year: nothing asks
// again, so nothing compares.
var revalidationHeaders = []string{"Last-Modified", "Accept-Ranges"}

// trimWriter leaves the headers named out of the response.
type trimWriter struct {
	http.ResponseWriter
	drop  []string
	wrote bool
}

func (w *trimWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		for _, k := range w.drop {
			w.Header().Del(k)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *trimWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *trimWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// servePublic serves the files under the policy's directory with their
// caching headers, the pages as pageAssets renders them.
func servePublic(csp *pagePolicy) func(*core.RequestEvent) error {
	dir := csp.dir
	fsys := os.DirFS(dir)
	static := apis.Static(fsys, false)
	return func(e *core.RequestEvent) error {
		h := e.Response.Header()
		name := strings.TrimPrefix(path.Clean("/"+e.Request.PathValue(apis.StaticWildcardParam)), "/")
		if name == "" {
			name = "."
		}
		if subresource(e.Request.URL.Path) {
			if body, ok := csp.assets.bundleFile(e.Request.URL.Path); ok {
				return serveBundled(e, body)
			}
		}
		v := e.Request.URL.Query().Get("v")
		switch {
		case strings.HasPrefix(e.Request.URL.Path, "/vendor/") && v != "":
			h.Set("Cache-Control", immutableCache)
		case v != "" && csp.assets.current("/"+name, v):
			h.Set("Cache-Control", immutableCache)
		default:
			h.Set("Cache-Control", revalidatedCache)
			if fi, err := fs.Stat(fsys, name); err == nil {
				if fi.IsDir() {
					index := path.Join(name, "index.html")
					if page, ok := csp.assets.page(index); ok && strings.HasSuffix(e.Request.URL.Path, "/") {
						return servePage(e, page)
					}
					fi, err = fs.Stat(fsys, index)
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
		var drop []string
		if subresource(e.Request.URL.Path) {
			drop = documentOnlyHeaders
			for _, k := range drop {
				h.Del(k)
			}
		}
		if h.Get("Cache-Control") == immutableCache {
			drop = append(slices.Clone(drop), revalidationHeaders...)
		}
		e.Response = &notModifiedWriter{ResponseWriter: e.Response}
		if len(drop) > 0 {
			e.Response = &trimWriter{ResponseWriter: e.Response, drop: drop}
		}
		return static(e)
	}
}

// servePage sends a page as rendered, with the policy admitting its inline
// scripts, revalidated by a tag of its content.
func servePage(e *core.RequestEvent, page renderedPage) error {
	h := e.Response.Header()
	h.Set("Content-Security-Policy", page.policy)
	h.Set("ETag", page.etag)
	if acceptsGzip(e.Request) {
		e.Request.Header.Del("Range")
	}
	w := &notModifiedWriter{ResponseWriter: e.Response}
	http.ServeContent(w, e.Request, "index.html", page.mod, bytes.NewReader(page.body))
	return nil
}

// serveBundled sends an output of a bundle: named by its content, kept a
// year, without the document's headers.
func serveBundled(e *core.RequestEvent, body []byte) error {
	h := e.Response.Header()
	for _, k := range documentOnlyHeaders {
		h.Del(k)
	}
	h.Set("Cache-Control", immutableCache)
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	if acceptsGzip(e.Request) {
		e.Request.Header.Del("Range")
	}
	http.ServeContent(e.Response, e.Request, "", time.Time{}, bytes.NewReader(body))
	return nil
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
// the inline scripts (the import maps) of the pages as served (pageAssets
// renders them: the import maps name the app's modules by content). The
// hashes follow the files: a page request looks at the modification times
// of the HTML files and the modules, so an office that edits a page or a
// module in place does not have to restart the server.
type pagePolicy struct {
	dir    string
	assets *pageAssets
}

func newPagePolicy(dir string) *pagePolicy {
	return &pagePolicy{dir: dir, assets: &pageAssets{dir: dir, mode: bundleMode()}}
}

// header is the policy for a request of urlPath: a page request (a
// directory, an .html file) first looks for edited files; any other
// request takes the policy of the last look.
func (p *pagePolicy) header(urlPath string) string {
	page := strings.HasSuffix(urlPath, "/") || strings.HasSuffix(strings.ToLower(urlPath), ".html")
	return p.assets.policyFor(page)
}

// policyOf is the policy admitting the inline scripts whose hashes are given.
func policyOf(hashes []string) string {
	styles, handlers := printableSources()
	if len(handlers) > 0 {
		hashes = append(append(slices.Clone(hashes), "'unsafe-hashes'"), handlers...)
	}
	return "default-src 'self'; script-src 'self'" + sources(hashes) + "; style-src 'self'" + sources(styles) +
		"; img-src 'self' blob: data:; font-src 'self'; connect-src 'self'; worker-src 'self'" +
		"; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
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

var inlineScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)

var srcAttr = regexp.MustCompile(`(?i)\bsrc\s*=`)

// scriptHashes adds to hashes the CSP sources ('sha256-…') of every inline
// <script> of the HTML text.
func scriptHashes(hashes []string, text string) []string {
	// The browser hashes the script's text after the HTML parser has
	// turned every CR LF and lone CR into LF.
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	for _, m := range inlineScript.FindAllStringSubmatch(text, -1) {
		if srcAttr.MatchString(m[1]) {
			continue
		}
		if h := hashSource(m[2]); !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
	}
	return hashes
}
