// Command wuye is the property service center (物业客服中心): PocketBase with
// Wuye's collections, rules, hooks and pages. `wuye serve` runs it for real
// use; `wuye demo` runs it with a demonstration community loaded.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/osutils"
	"github.com/spf13/cobra"

	"wuye/demo"
	"wuye/hooks"
	"wuye/lib/clock"
	_ "wuye/migrations"
)

func main() {
	// The test clock (WUYE_CLOCK, lib/clock) is a test facility: only the
	// demo runs on it, never `serve` with an office's real data, and a value
	// that cannot be read stops the program rather than being ignored.
	if err := clock.Err(); err != nil {
		log.Fatal(err)
	}
	if clock.Shifted() {
		if len(os.Args) < 2 || os.Args[1] != "demo" {
			log.Fatalf("%s is set: it is a test facility for `wuye demo` only (see README, Tests); unset it to run %q", clock.Env, strings.Join(os.Args[1:], " "))
		}
		fmt.Fprintf(os.Stderr, "\n!!! %s !!!\n\n", clock.Describe())
	}
	// Dev mode (SQL logging) and automigrate (a migration file for every
	// schema change made in the admin UI) are for developers only, asked for
	// with WUYE_DEV=1 — not guessed from where the binary runs, as
	// PocketBase's default does (dev mode on whenever the binary sits in the
	// temporary directory `go run` builds into).
	dev := os.Getenv("WUYE_DEV") == "1"
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DefaultDev:       dev,
		DataMaxOpenConns: hooks.DataMaxOpenConns,
		DataMaxIdleConns: hooks.DataMaxIdleConns,
		DBConnect:        hooks.DBConnect,
	})
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		Dir:         "migrations",
		Automigrate: dev,
	})

	// The pages (residents' portal at /, staff workspace at /staff/) are
	// served from disk like PocketBase's own pb_public, so an office can
	// restyle them without rebuilding; scripts/web fills pb_public/vendor.
	publicDir := defaultPublicDir()
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", publicDir, "the directory to serve the pages from")
	hooks.ServePages(app, func() string { return publicDir })

	hooks.Register(app)
	app.RootCmd.AddCommand(demoCommand(app))

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// demoCommand is `serve` with the demo community loaded first (when the data
// directory does not have it yet) and the demo logins printed.
func demoCommand(app *pocketbase.PocketBase) *cobra.Command {
	c := cmd.NewServeCommand(app, true)
	c.Use = "demo"
	c.Short = "Starts the web server with the demo community loaded (same flags as serve)"
	serve := c.RunE
	c.RunE = func(command *cobra.Command, args []string) error {
		// The demo has no real payment provider: residents pay online
		// through the sandbox's stand-in cashier.
		hooks.EnableSandboxCheckout(app)
		app.OnServe().BindFunc(func(se *core.ServeEvent) error {
			loaded, err := demo.Load(se.App)
			if err != nil {
				return err
			}
			printLogins(loaded)
			// The import templates filled with a small sample estate, for
			// trying the import (the workspace's 导入 page serves them too).
			if files, err := demo.WriteImportSamples(filepath.Join(se.App.DataDir(), "import-samples")); err == nil && len(files) > 0 {
				fmt.Printf("示例导入文件 Import samples (海棠苑): %s\n", filepath.Dir(files[0]))
			}
			if line, err := demo.SpringFestival2027(se.App); err == nil {
				fmt.Println(line)
			}
			return se.Next()
		})
		return serve(command, args)
	}
	return c
}

// defaultPublicDir is ./pb_public under `go run`, else pb_public next to
// the executable (PocketBase's own convention).
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "./pb_public"
	}
	return filepath.Join(filepath.Dir(os.Args[0]), "pb_public")
}

func printLogins(loaded bool) {
	if loaded {
		fmt.Println("已载入演示数据 Demo community loaded: 翠湖花园 (CH) and 银杏苑 (YX).")
	} else {
		fmt.Println("演示数据已存在 Demo data already present; nothing added.")
	}
	fmt.Printf("演示账号 Demo logins (password %s):\n", demo.Password)
	for _, a := range append(demo.Staff, demo.OtherStaff...) {
		fmt.Printf("  staff     %-28s %-13s %s\n", a.Email, a.Role, a.Note)
	}
	for _, r := range demo.Residents {
		fmt.Printf("  resident  %-28s %-13s %s\n", r.Email, r.Relation, r.Note)
	}
}
