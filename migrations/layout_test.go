package migrations

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// numbered is the name of a migration's file: NNNN_what.go.
var numbered = regexp.MustCompile(`^\d{4}_[a-z0-9_]+\.go$`)

// registrations lists the names file registers migrations under: the last
// argument of every call to Register of PocketBase's migrations package (as
// the file imports it). A name that is not a string literal is returned as
// "?" followed by the expression's position.
func registrations(fset *token.FileSet, file *ast.File) []string {
	var pkg string
	for _, imp := range file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/pocketbase/pocketbase/migrations" {
			pkg = "migrations"
			if imp.Name != nil {
				pkg = imp.Name.Name
			}
		}
	}
	if pkg == "" {
		return nil
	}
	var names []string
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Register" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != pkg || len(call.Args) == 0 {
			return true
		}
		last := call.Args[len(call.Args)-1]
		if lit, ok := last.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if name, err := strconv.Unquote(lit.Value); err == nil {
				names = append(names, name)
				return true
			}
		}
		names = append(names, "?"+fset.Position(last.Pos()).String())
		return true
	})
	return names
}

// layoutProblems checks the one-migration-per-file layout of the files
// (file name → source): a file registers at most one migration, under its
// own name, and a numbered file registers one. It returns the problems and
// every name registered.
func layoutProblems(files map[string][]byte) (problems, registered []string) {
	fset := token.NewFileSet()
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		regs := registrations(fset, f)
		registered = append(registered, regs...)
		switch {
		case len(regs) > 1:
			problems = append(problems, name+" registers "+strconv.Itoa(len(regs))+" migrations ("+strings.Join(regs, ", ")+"): one a file")
		case len(regs) == 1 && regs[0] != name:
			problems = append(problems, name+" registers "+regs[0]+": a migration lives in the file of its name")
		case len(regs) == 0 && numbered.MatchString(name):
			problems = append(problems, name+" is named as a migration but registers none")
		}
	}
	return problems, registered
}

// TestLayout: every migration of the package lives in the file of its
// registered name, alone, and those are all the app migrations PocketBase
// knows of.
func TestLayout(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		if files[p], err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	problems, registered := layoutProblems(files)
	for _, p := range problems {
		t.Error(p)
	}
	// What the parse found is what was registered (no Register call hidden
	// from it, say behind a helper).
	var known []string
	for _, m := range core.AppMigrations.Items() {
		known = append(known, m.File)
	}
	slices.Sort(known)
	slices.Sort(registered)
	if !slices.Equal(known, registered) {
		t.Errorf("the files register %v; PocketBase knows %v", registered, known)
	}
}

// TestLayoutProblems: the check finds each kind of violation.
func TestLayoutProblems(t *testing.T) {
	const head = "package migrations\n\nimport mig \"github.com/pocketbase/pocketbase/migrations\"\n\n"
	for _, c := range []struct {
		file, src string
		want      string // in the one problem; "" for none
	}{
		{"0001_a.go", head + `func init() { mig.Register(nil, nil, "0001_a.go") }`, ""},
		{"0001_a.go", head + `func init() { mig.Register(nil, nil, "0001_a.go"); mig.Register(nil, nil, "0002_b.go") }`, "registers 2 migrations"},
		{"0001_a.go", head + `func init() { mig.Register(nil, nil, "0001_b.go") }`, "registers 0001_b.go"},
		{"a.go", head + "func init() {\n\tmig.Register(nil,\n\t\tnil,\n\t\t\"0003_a.go\")\n}", "registers 0003_a.go"},
		{"0001_a.go", head + `func init() { mig.Register(nil, nil, name) }`, "registers ?0001_a.go:5:"},
		{"0001_a.go", "package migrations\n", "registers none"},
		{"rules.go", "package migrations\n", ""},
	} {
		problems, _ := layoutProblems(map[string][]byte{c.file: []byte(c.src)})
		switch {
		case c.want == "" && len(problems) > 0:
			t.Errorf("%s: %q: unexpected %v", c.file, c.src, problems)
		case c.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], c.want)):
			t.Errorf("%s: %q: got %v, want one problem with %q", c.file, c.src, problems, c.want)
		}
	}
}
