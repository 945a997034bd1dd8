package hooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Pages on a slow phone (issue #23, item 1): a cold load fetched a shell's
// ~20 modules as ~20 requests, six at a time over HTTP/1.1 at a 150 ms
// round trip. The server bundles each shell (the module script of a page:
// js/portal/main.js, js/staff/main.js) with esbuild when it reads the files
// (at the first request, and again when one of them changes), in memory:
// the shell and every module it imports statically become one file, each
// screen it loads by route (lazy, core/shell.js) one more, and what several
// of them share a chunk. Every output is named by esbuild after its content
// (main-5DTWGJ2B.js) and kept a year (immutable); nothing is written to
// disk. The page as served names the shell's bundle, preloads the chunks it
// imports, and the inline screen loader preloads the first screen's (see
// screenLoader). WUYE_PAGES_BUNDLE=off serves the modules one by one, as
// written (for a developer reading them in the browser), and so does a
// build that fails, with the reason logged.

// bundleMode is how the pages' modules are served: "app" (the default:
// the app's own modules bundled, the vendored packages separate files of
// the import map, kept a year under their version) or "off".
func bundleMode() string {
	switch m := strings.ToLower(os.Getenv("WUYE_PAGES_BUNDLE")); m {
	case "off", "0", "false", "no":
		return "off"
	case "all":
		return "all"
	default:
		return "app"
	}
}

// shellBundle is a shell's modules as esbuild bundled them.
type shellBundle struct {
	entry    string              // the URL of the shell's bundle: /js/staff/main-5DTWGJ2B.js
	preload  []string            // the chunks the shell's bundle imports, at any depth
	screens  map[string][]string // by the source URL of a screen's module: its bundle and its chunks less the shell's
	files    map[string][]byte   // every output by URL
	vendored bool                // the vendored packages are in it (mode "all")
}

// bundleShell bundles the shell module at shellURL (a URL path under dir)
// with the screens of its routes as entry points of their own. imports is
// the page's import map: in mode "all" the vendored packages it names
// (but ECharts, which only a chart needs) are bundled too, otherwise every
// bare specifier stays an import the page's import map resolves.
func bundleShell(dir, shellURL string, shell *appModule, imports map[string]string, mode string) (*shellBundle, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", shellURL, err)
	}
	entries := []string{strings.TrimPrefix(shellURL, "/")}
	for _, r := range shell.routes {
		if e := strings.TrimPrefix(r.module, "/"); !slices.Contains(entries, e) {
			entries = append(entries, e)
		}
	}
	packages := api.Plugin{
		Name: "import-map",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: `^[^./]`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				target, ok := imports[args.Path]
				if mode != "all" || !ok || args.Path == "echarts" || !strings.HasPrefix(target, "/") {
					return api.OnResolveResult{Path: args.Path, External: true}, nil
				}
				file := strings.SplitN(target, "?", 2)[0]
				return api.OnResolveResult{Path: filepath.Join(abs, filepath.FromSlash(strings.TrimPrefix(file, "/")))}, nil
			})
		},
	}
	result := api.Build(api.BuildOptions{
		AbsWorkingDir:     abs,
		EntryPoints:       entries,
		Bundle:            true,
		Splitting:         true,
		Format:            api.FormatESModule,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2022,
		Outdir:            abs,
		Outbase:           abs,
		EntryNames:        "[dir]/[name]-[hash]",
		ChunkNames:        "js/chunks/[name]-[hash]",
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		LegalComments:     api.LegalCommentsNone,
		Charset:           api.CharsetUTF8,
		Metafile:          true,
		Write:             false,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{packages},
	})
	if len(result.Errors) > 0 {
		m := result.Errors[0]
		where := ""
		if m.Location != nil {
			where = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
		}
		return nil, fmt.Errorf("bundle %s: %s%s (and %d more)", shellURL, where, m.Text, len(result.Errors)-1)
	}
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
			Imports    []struct {
				Path     string `json:"path"`
				Kind     string `json:"kind"`
				External bool   `json:"external"`
			} `json:"imports"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(result.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("bundle %s: the metafile: %w", shellURL, err)
	}
	b := &shellBundle{screens: map[string][]string{}, files: map[string][]byte{}, vendored: mode == "all"}
	for _, f := range result.OutputFiles {
		rel, err := filepath.Rel(abs, f.Path)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", shellURL, err)
		}
		b.files["/"+filepath.ToSlash(rel)] = f.Contents
	}
	// closure is an output's URL and the chunks it imports statically, at
	// any depth, less those in skip.
	closure := func(out string, skip []string) []string {
		var list []string
		var walk func(o string)
		walk = func(o string) {
			u := "/" + o
			if slices.Contains(list, u) || slices.Contains(skip, u) {
				return
			}
			list = append(list, u)
			for _, imp := range meta.Outputs[o].Imports {
				if imp.Kind == "import-statement" && !imp.External {
					walk(imp.Path)
				}
			}
		}
		walk(out)
		return list
	}
	for out, o := range meta.Outputs {
		if o.EntryPoint == entries[0] {
			all := closure(out, nil)
			b.entry, b.preload = all[0], all[1:]
		}
	}
	if b.entry == "" {
		return nil, fmt.Errorf("bundle %s: no output for the shell", shellURL)
	}
	shellFiles := append([]string{b.entry}, b.preload...)
	for out, o := range meta.Outputs {
		if o.EntryPoint != "" && o.EntryPoint != entries[0] {
			b.screens["/"+path.Clean(o.EntryPoint)] = closure(out, shellFiles)
		}
	}
	return b, nil
}

// moduleScript finds a page's module script of the app: <script type="module" src="/js/…">.
var moduleScript = regexp.MustCompile(`(?i)<script\b[^>]*\btype=["']?module["']?[^>]*\bsrc="(/js/[^"?#]+\.m?js)"[^>]*>`)

// modulePreload finds a page's modulepreload link of a module of the app
// or of a vendored package, with its line.
var modulePreload = regexp.MustCompile(`(?im)^[ \t]*<link\s+rel="modulepreload"\s+href="(/(?:js|vendor)/[^"]+)"[^>]*>[ \t]*\r?\n?`)

// pageBundle is the bundle of the page's module script, or nil.
func pageBundle(text string, bundles map[string]*shellBundle) (string, *shellBundle) {
	for _, m := range moduleScript.FindAllStringSubmatch(text, -1) {
		if b := bundles[m[1]]; b != nil {
			return m[1], b
		}
	}
	return "", nil
}

// bundledPage is the page naming the bundle b of its shell (at shellURL)
// in place of its modules, and the screen loader for the bundle: the
// modulepreload links of the shell's modules give way to those of the
// bundle's chunks (and of the vendored packages, when they are in it too),
// the module script names the bundle. The import map is left as written:
// the bundle imports the vendored packages by their bare names.
func bundledPage(text, shellURL string, b *shellBundle, shell *appModule) (string, string) {
	text = modulePreload.ReplaceAllStringFunc(text, func(line string) string {
		ref := modulePreload.FindStringSubmatch(line)[1]
		if strings.HasPrefix(ref, "/js/") || (b.vendored && !strings.Contains(ref, "echarts")) {
			return ""
		}
		return line
	})
	text = moduleScript.ReplaceAllStringFunc(text, func(tag string) string {
		if moduleScript.FindStringSubmatch(tag)[1] != shellURL {
			return tag
		}
		var links strings.Builder
		for _, u := range b.preload {
			links.WriteString(`<link rel="modulepreload" href="` + u + "\">\n")
		}
		return links.String() + strings.Replace(tag, `"`+shellURL+`"`, `"`+b.entry+`"`, 1)
	})
	var routes []loaderRoute
	for _, r := range shell.routes {
		routes = append(routes, loaderRoute{r.pattern, b.screens[r.module]})
	}
	return text, loaderScript(routes)
}

// bundle bundles the shell of every page (its module script of the app)
// unless the mode is "off", and keeps the outputs to serve: a page loaded
// before an edit may still ask for the last build's files. A shell that
// fails to bundle is served as its modules, the reason logged.
func (a *pageAssets) bundle(htmlFiles []string, texts map[string]string, modules map[string]*appModule) map[string]*shellBundle {
	if a.mode == "off" {
		return nil
	}
	a.builds++
	if a.bundled == nil {
		a.bundled = map[string]bundledFile{}
	}
	bundles := map[string]*shellBundle{}
	for _, rel := range htmlFiles {
		text := texts[rel]
		for _, m := range moduleScript.FindAllStringSubmatch(text, -1) {
			shellURL := m[1]
			shell := modules[shellURL]
			if shell == nil || bundles[shellURL] != nil {
				continue
			}
			imports := map[string]string{}
			if loc := importMapScript.FindStringSubmatchIndex(text); loc != nil {
				var doc struct {
					Imports map[string]string `json:"imports"`
				}
				if err := json.Unmarshal([]byte(text[loc[4]:loc[5]]), &doc); err == nil {
					imports = doc.Imports
				}
			}
			b, err := bundleShell(a.dir, shellURL, shell, imports, a.mode)
			if err != nil {
				if a.warn != nil {
					a.warn("pages: serving the modules one by one", "error", err.Error())
				}
				continue
			}
			bundles[shellURL] = b
			for u, body := range b.files {
				a.bundled[u] = bundledFile{body, a.builds}
			}
		}
	}
	for u, f := range a.bundled {
		if f.build < a.builds-2 {
			delete(a.bundled, u)
		}
	}
	return bundles
}

// bundleFile is the output of a bundle at url, if there is one.
func (a *pageAssets) bundleFile(url string) ([]byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh(false)
	f, ok := a.bundled[url]
	return f.body, ok
}
