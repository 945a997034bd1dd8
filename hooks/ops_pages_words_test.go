package hooks_test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestLazyScreensHaveTheirWords: each screen loads only when it is shown
// (lazy in js/core/shell.js, docs/FRONTEND.md), so a screen may use only
// the words its own imports and its shell define — a word another screen
// adds with addMessages is not there until that screen has loaded, and
// shows as its raw key ("complaints.new" on the portal's home).
func TestLazyScreensHaveTheirWords(t *testing.T) {
	staticImport := regexp.MustCompile(`(?m)^(?:import|export)\s+(?:[^'";]*?from\s+)?'([^']+)'`)
	lazyImport := regexp.MustCompile(`=>\s*import\(\s*'([^']+)'`) // lazy(() => import('./x.js')…), not a comment's example
	defined := regexp.MustCompile(`(?m)^\s*'([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)'\s*:\s*\[`)
	comments := regexp.MustCompile(`(?s:/\*.*?\*/)|(?m:^\s*//[^\n]*)`)
	literal := regexp.MustCompile(`'([a-z][A-Za-z0-9_]*\.[a-z][A-Za-z0-9_.]*)'`)
	type module struct {
		static, lazy, words, used []string
	}
	mods := map[string]*module{}
	var load func(p string) *module
	load = func(p string) *module {
		if m, ok := mods[p]; ok {
			return m
		}
		m := &module{}
		mods[p] = m
		b, err := os.ReadFile(filepath.Join("../pb_public", filepath.FromSlash(p)))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		src := comments.ReplaceAllString(string(b), "")
		for _, s := range staticImport.FindAllStringSubmatch(src, -1) {
			if s[1][0] == '.' {
				m.static = append(m.static, path.Join(path.Dir(p), s[1]))
			}
		}
		for _, s := range lazyImport.FindAllStringSubmatch(src, -1) {
			m.lazy = append(m.lazy, path.Join(path.Dir(p), s[1]))
		}
		for _, s := range defined.FindAllStringSubmatch(src, -1) {
			m.words = append(m.words, s[1])
		}
		for _, s := range literal.FindAllStringSubmatch(src, -1) {
			m.used = append(m.used, s[1])
		}
		for _, d := range append(slices.Clone(m.static), m.lazy...) {
			load(d)
		}
		return m
	}
	closure := func(p string) map[string]bool {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(p string) {
			if seen[p] {
				return
			}
			seen[p] = true
			for _, d := range mods[p].static {
				walk(d)
			}
		}
		walk(p)
		return seen
	}
	for _, shell := range []string{"js/portal/main.js", "js/staff/main.js"} {
		load(shell)
		everyWord := map[string]bool{}
		for _, m := range mods {
			for _, w := range m.words {
				everyWord[w] = true
			}
		}
		wordsOf := func(files map[string]bool) map[string]bool {
			out := map[string]bool{}
			for f := range files {
				for _, w := range mods[f].words {
					out[w] = true
				}
			}
			return out
		}
		always := wordsOf(closure(shell))
		// Every screen the shell loads lazily, and the ones those load.
		entries := map[string]bool{shell: true}
		for changed := true; changed; {
			changed = false
			for e := range entries {
				for f := range closure(e) {
					for _, l := range mods[f].lazy {
						if !entries[l] {
							entries[l], changed = true, true
						}
					}
				}
			}
		}
		for e := range entries {
			files := closure(e)
			have := wordsOf(files)
			for f := range files {
				for _, w := range mods[f].used {
					if everyWord[w] && !have[w] && !always[w] {
						t.Errorf("%s (loaded as part of %s) uses the word %q, defined only by a screen it does not import", f, e, w)
					}
				}
			}
		}
	}
}
