package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Pages on a slow phone (issue #23): a warm load asks the server for
// nothing but the page and the API. The app's own modules are named by
// their content: the server writes into each page, as it serves it, an
// import map from every module the page can load (/js/core/api.js) to the
// same URL with the hash of the file's content (/js/core/api.js?v=3f…);
// an import map remaps full URLs, so the modules' relative imports
// (./api.js) are remapped too. The hashed URLs are kept for a year
// (immutable); the page itself is revalidated on every load, and a module
// edited in place gets a new hash in the next page served (the files are
// looked at by modification time on every page request, not cached until
// a restart).

// appModule is one of the app's modules (or style sheets, icons) as last read.
type appModule struct {
	stamp   fileStamp
	hash    string   // the first 16 hex digits of the SHA-256 of its content
	imports []string // the URL paths it imports by a literal specifier, statically or by import()
	static  []string // of them, those imported statically
	routes  []screenRoute
}

// screenRoute is a route of a shell (js/portal/main.js, js/staff/main.js):
// the hash path's pattern and the module of its screen, read from the
// shell's source: `const Home = lazy(() => import('./home.js')…` and the
// routes table's `['/', Home`.
type screenRoute struct {
	pattern string
	module  string // URL path
}

var (
	lazyScreen = regexp.MustCompile(`(?m)^const (\w+) = lazy\(\(\) => import\('([^']+)'\)`)
	routeEntry = regexp.MustCompile(`\['(/[^']*)',\s*(\w+)[,\]]`)
)

type fileStamp struct {
	mod  time.Time
	size int64
}

// renderedPage is an HTML page as served.
type renderedPage struct {
	body   []byte
	mod    time.Time // the latest modification of the page and its modules
	etag   string
	policy string // the Content-Security-Policy admitting its inline scripts
}

// pageAssets renders the pages under dir and knows the hashes of the
// modules.
type pageAssets struct {
	dir  string
	mode string               // bundleMode: "app", "all" or "off"
	warn func(string, ...any) // logs a bundle that could not be built

	mu      sync.Mutex
	built   bool
	stamps  map[string]fileStamp     // every page and module looked at, by its path under dir
	modules map[string]*appModule    // by URL path: /js/core/api.js
	pages   map[string]*renderedPage // by path under dir: index.html, staff/index.html
	policy  string                   // the policy admitting every page's inline scripts
	bundled map[string]bundledFile   // the bundles' outputs by URL, of this build and the last two
	builds  int                      // the bundle builds so far
}

// bundledFile is an output of a bundle, and the build that last made it.
type bundledFile struct {
	body  []byte
	build int
}

// moduleImport finds the literal specifiers of a module's imports:
// import … from '…', export … from '…', import '…', import('…').
var moduleImport = regexp.MustCompile(`(?m)(?:^|[;\s])(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)`)

// pageModuleRef finds the module URLs of a page's preload links and module
// scripts, pageFileRef those and its style sheets' and icons'.
var (
	pageModuleRef = regexp.MustCompile(`(?i)(\s(?:src|href)=")(/js/[^"?#]+\.m?js)(")`)
	pageFileRef   = regexp.MustCompile(`(?i)(\s(?:src|href)=")(/(?:js/[^"?#]+\.m?js|css/[^"?#]+\.css|[^"?#]+\.svg))(")`)
)

var importMapScript = regexp.MustCompile(`(?is)(<script\b[^>]*\btype=["']?importmap["']?[^>]*>)(.*?)(</script\s*>)`)

// refresh looks at the files (when force or never done) and renders the
// pages again when one of them changed.
func (a *pageAssets) refresh(force bool) {
	if a.built && !force {
		return
	}
	stamps := map[string]fileStamp{}
	_ = filepath.WalkDir(a.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != a.dir && (d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		lower := strings.ToLower(d.Name())
		if !strings.HasSuffix(lower, ".html") && !strings.HasSuffix(lower, ".js") && !strings.HasSuffix(lower, ".mjs") && !strings.HasSuffix(lower, ".css") && !strings.HasSuffix(lower, ".svg") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(a.dir, p)
		if err != nil {
			return nil
		}
		stamps[filepath.ToSlash(rel)] = fileStamp{fi.ModTime(), fi.Size()}
		return nil
	})
	if a.built && mapsEqual(stamps, a.stamps) {
		return
	}
	modules := map[string]*appModule{}
	var htmlFiles []string
	for rel, st := range stamps {
		if strings.HasSuffix(strings.ToLower(rel), ".html") {
			htmlFiles = append(htmlFiles, rel)
			continue
		}
		url := "/" + rel
		if old := a.modules[url]; old != nil && old.stamp == st {
			modules[url] = old
			continue
		}
		b, err := os.ReadFile(filepath.Join(a.dir, filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		m := &appModule{stamp: st, hash: hex.EncodeToString(sum[:8])}
		if !strings.HasSuffix(strings.ToLower(rel), "js") {
			modules[url] = m // a style sheet or an icon: hashed, imports nothing
			continue
		}
		for _, found := range moduleImport.FindAllStringSubmatch(string(b), -1) {
			spec := found[1] + found[2]
			dynamic := found[3] != ""
			if dynamic {
				spec = found[3]
			}
			var target string
			switch {
			case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
				target = path.Join(path.Dir(url), spec)
			case strings.HasPrefix(spec, "/"):
				target = path.Clean(spec)
			default:
				continue // a package of the import map (vendored, versioned)
			}
			if !slices.Contains(m.imports, target) {
				m.imports = append(m.imports, target)
			}
			if !dynamic && !slices.Contains(m.static, target) {
				m.static = append(m.static, target)
			}
		}
		screens := map[string]string{}
		for _, found := range lazyScreen.FindAllStringSubmatch(string(b), -1) {
			screens[found[1]] = path.Join(path.Dir(url), found[2])
		}
		if len(screens) > 0 {
			for _, found := range routeEntry.FindAllStringSubmatch(string(b), -1) {
				if mod := screens[found[2]]; mod != "" {
					m.routes = append(m.routes, screenRoute{found[1], mod})
				}
			}
		}
		modules[url] = m
	}
	slices.Sort(htmlFiles)
	texts := map[string]string{}
	for _, rel := range htmlFiles {
		if b, err := os.ReadFile(filepath.Join(a.dir, filepath.FromSlash(rel))); err == nil {
			texts[rel] = string(b)
		}
	}
	bundles := a.bundle(htmlFiles, texts, modules)
	pages := map[string]*renderedPage{}
	var all []string
	for _, rel := range htmlFiles {
		text, ok := texts[rel]
		if !ok {
			continue
		}
		page := renderPage(text, stamps[rel].mod, modules, bundles)
		pages[rel] = page
		all = scriptHashes(all, string(page.body))
	}
	slices.Sort(all)
	a.stamps, a.modules, a.pages, a.policy, a.built = stamps, modules, pages, policyOf(all), true
}

func mapsEqual(a, b map[string]fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// renderPage writes the content-named modules into a page: the import map
// gets an entry for each module the page can load (its module scripts and
// preloads, and what they import, statically or by import()), and the
// page's own links to modules (preloads, module scripts: URLs, not
// specifiers, which an import map does not remap) take the hashed URLs. A
// page whose module script has a bundle (bundles, by the module's URL)
// names the bundle instead (bundledPage). A page without an import map or
// app modules is served as it is.
func renderPage(text string, mod time.Time, modules map[string]*appModule, bundles map[string]*shellBundle) *renderedPage {
	used := map[string]bool{}
	var walk func(url string)
	walk = func(url string) {
		m := modules[url]
		if m == nil || used[url] {
			return
		}
		used[url] = true
		if m.stamp.mod.After(mod) {
			mod = m.stamp.mod
		}
		for _, u := range m.imports {
			walk(u)
		}
	}
	for _, ref := range pageModuleRef.FindAllStringSubmatch(text, -1) {
		walk(ref[2])
	}
	loc := importMapScript.FindStringSubmatchIndex(text)
	if len(used) > 0 && loc != nil {
		var loader string
		if shellURL, b := pageBundle(text, bundles); b != nil {
			text, loader = bundledPage(text, shellURL, b, modules[shellURL])
		} else if imports, err := rewriteImportMap(text[loc[4]:loc[5]], used, modules); err == nil {
			loader = screenLoader(text, modules)
			text = text[:loc[4]] + imports + text[loc[5]:]
		}
		loc = importMapScript.FindStringSubmatchIndex(text)
		text = text[:loc[7]] + loader + text[loc[7]:]
		text = pageFileRef.ReplaceAllStringFunc(text, func(ref string) string {
			m := pageFileRef.FindStringSubmatch(ref)
			if mm := modules[m[2]]; mm != nil {
				if mm.stamp.mod.After(mod) {
					mod = mm.stamp.mod
				}
				return m[1] + m[2] + "?v=" + mm.hash + m[3]
			}
			return ref
		})
	}
	sum := sha256.Sum256([]byte(text))
	return &renderedPage{
		body:   []byte(text),
		mod:    mod,
		etag:   fmt.Sprintf(`W/"%s"`, hex.EncodeToString(sum[:12])),
		policy: policyOf(scriptHashes(nil, text)),
	}
}

// rewriteImportMap is the import map's text with an entry for each of the
// app's modules used, to its hashed URL.
func rewriteImportMap(text string, used map[string]bool, modules map[string]*appModule) (string, error) {
	var doc map[string]json.RawMessage
	imports := map[string]string{}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return "", fmt.Errorf("the import map: %w", err)
	}
	if raw, ok := doc["imports"]; ok {
		if err := json.Unmarshal(raw, &imports); err != nil {
			return "", fmt.Errorf("the import map's imports: %w", err)
		}
	}
	urls := make([]string, 0, len(used))
	for u := range used {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	var b strings.Builder
	b.WriteString("\n{ \"imports\": {\n")
	keys := make([]string, 0, len(imports))
	for k := range imports {
		if _, app := used[k]; !app {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	entries := make([]string, 0, len(keys)+len(urls))
	for _, k := range keys {
		entries = append(entries, jsonString(k)+": "+jsonString(imports[k]))
	}
	for _, u := range urls {
		entries = append(entries, jsonString(u)+": "+jsonString(u+"?v="+modules[u].hash))
	}
	b.WriteString("  " + strings.Join(entries, ",\n  ") + " }")
	others := make([]string, 0, len(doc))
	for k := range doc {
		if k != "imports" {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		b.WriteString(",\n  " + jsonString(k) + ": " + string(doc[k]))
	}
	b.WriteString(" }\n")
	return b.String(), nil
}

// loaderRoute is a route of a shell and the files its screen needs beyond
// the shell's, as the page names them.
type loaderRoute struct {
	pattern string
	files   []string
}

// screenLoader is the inline script, right after the import map, that
// fetches the modules of the screen the URL's hash opens together with the
// shell's (issue #23): the hash never reaches the server, and the shell
// would otherwise ask for the screen's module only once its own modules
// have come and run, and for that module's imports only once it has come.
// For each route of the page's shell (its module scripts' lazy screens) it
// lists the screen's module and everything that module imports statically,
// less what the page preloads already; the script picks the route as the
// shell does (core/shell.js matchRoute) and adds a modulepreload link for
// each. text is the page before the hashed URLs are written in; a page
// whose shell has no routes gets none.
func screenLoader(text string, modules map[string]*appModule) string {
	shell := map[string]bool{}
	var entries []string
	for _, ref := range pageModuleRef.FindAllStringSubmatch(text, -1) {
		shell[ref[2]] = true
		if m := modules[ref[2]]; m != nil && len(m.routes) > 0 {
			entries = append(entries, ref[2])
		}
	}
	var routes []loaderRoute
	for _, entry := range entries {
		for _, r := range modules[entry].routes {
			seen := map[string]bool{}
			var list []string
			var walk func(u string)
			walk = func(u string) {
				m := modules[u]
				if m == nil || seen[u] {
					return
				}
				seen[u] = true
				if !shell[u] {
					list = append(list, u+"?v="+m.hash)
				}
				for _, s := range m.static {
					walk(s)
				}
			}
			walk(r.module)
			routes = append(routes, loaderRoute{r.pattern, list})
		}
	}
	return loaderScript(routes)
}

// loaderScript is the screen loader's script for routes (none without).
func loaderScript(routes []loaderRoute) string {
	if len(routes) == 0 {
		return ""
	}
	var urls, lists []string
	index := map[string]int{}
	for _, r := range routes {
		var list []string
		for _, u := range r.files {
			if _, ok := index[u]; !ok {
				index[u] = len(urls)
				urls = append(urls, jsonString(u))
			}
			list = append(list, fmt.Sprint(index[u]))
		}
		lists = append(lists, "["+jsonString(r.pattern)+",["+strings.Join(list, ",")+"]]")
	}
	return "\n<script>(function () { // the first screen's modules (hooks/ops_pages_assets.go screenLoader)\n" +
		"var m = [" + strings.Join(urls, ",\n") + "];\n" +
		"var r = [" + strings.Join(lists, ",\n") + "];\n" +
		`var p = (location.hash.replace(/^#/, "") || "/").split("?")[0].split("/").filter(Boolean);
for (var i = 0; i < r.length; i++) {
  var q = r[i][0].split("/").filter(Boolean), j = 0;
  if (q.length !== p.length) continue;
  while (j < q.length && (q[j].charAt(0) === ":" || q[j] === p[j])) j++;
  if (j < q.length) continue;
  r[i][1].forEach(function (k) { var l = document.createElement("link"); l.rel = "modulepreload"; l.href = m[k]; document.head.appendChild(l); });
  return;
}
})();</script>`
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// policyFor is the policy of every page, looking for edited files first
// when page.
func (a *pageAssets) policyFor(page bool) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh(page)
	return a.policy
}

// page is the page at rel (index.html, staff/index.html) as served, the
// files looked at first.
func (a *pageAssets) page(rel string) (renderedPage, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh(true)
	p := a.pages[rel]
	if p == nil {
		return renderedPage{}, false
	}
	return *p, true
}

// current reports whether v is the hash of the module at url as it is
// now: only then is the answer kept for a year (a page loaded before an
// edit asks for the old hash and gets the new file, revalidated).
func (a *pageAssets) current(url, v string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh(false)
	m := a.modules[url]
	if m == nil || m.hash != v {
		return false
	}
	fi, err := os.Stat(filepath.Join(a.dir, filepath.FromSlash(strings.TrimPrefix(url, "/"))))
	return err == nil && fi.ModTime().Equal(m.stamp.mod) && fi.Size() == m.stamp.size
}
