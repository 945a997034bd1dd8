package hooks_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/stmtcache"
)

// benchSQLLog, under -bench-sql-log, makes BenchmarkCreateRequest print every
// SQL statement of one request of each kind with its time, and a summary of
// the time by statement kind over the whole run:
//
//	go test ./hooks -run '^$' -bench CreateRequest -args -bench-sql-log
var sqlLiteral = regexp.MustCompile(`'[^']*'|\b\d+\b`)

var benchSQLStack = flag.String("bench-sql-stack", "", "with -bench-sql-log: print the Go stack of each statement containing this text")

// benchCPUProfile, -bench-cpuprofile FILE, profiles only the loop of each
// kind of create into FILE.plain, FILE.complaint and FILE.work (the test
// binary's -cpuprofile takes in the test app's set-up, the demo's password
// hashing the most of it).
var benchCPUProfile = flag.String("bench-cpuprofile", "", "BenchmarkCreateRequest: write a CPU profile of each kind's loop to this path + .plain/.complaint/.work")

var benchSQLLog = flag.Bool("bench-sql-log", false, "BenchmarkCreateRequest: print each request's SQL statements and their times")

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCreateRequest is one create through the whole HTTP stack in
// process (middlewares, rules, hooks, serials, events, summaries), as the
// portal and the desk send them, for profiling the create path:
//
//	go test ./hooks -run '^$' -bench CreateRequest -cpuprofile /tmp/cpu.prof
//
// The side-by-side figures against plain PocketBase come from cmd/bench.
func BenchmarkCreateRequest(b *testing.B) {
	app := testapp.New(b)
	s := app.Settings()
	s.RateLimits.Enabled = false // one client address here
	if err := app.Save(s); err != nil {
		b.Fatal(err)
	}
	// The baseline: a plain collection with a complaint's fields and a rule
	// of the same kind (the resident lives in the unit), no hooks.
	plain := core.NewBaseCollection("bench_plain")
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		b.Fatal(err)
	}
	plain.Fields.Add(
		&core.RelationField{Name: "unit", CollectionId: units.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "category", Values: []string{"cleaning", "security"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "content", Required: true, Max: 2000},
		&core.TextField{Name: "contact_name"},
		&core.TextField{Name: "contact_phone"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	plain.CreateRule = types.Pointer(`@request.auth.collectionName = "residents" && unit.unit_residents_via_unit.resident ?= @request.auth.id && unit.unit_residents_via_unit.active ?= true`)
	if err := app.Save(plain); err != nil {
		b.Fatal(err)
	}
	h := testapp.Handler(b, app)
	// Every SQL statement the request runs, through either pool or a
	// transaction of theirs (dbx copies the log functions into each query).
	var statements atomic.Int64
	var (
		logMu   sync.Mutex
		logging bool
		logged  []string
		byKind  = map[string]time.Duration{}
		countOf = map[string]int{}
	)
	note := func(d time.Duration, q string) {
		statements.Add(1)
		if !*benchSQLLog {
			return
		}
		logMu.Lock()
		defer logMu.Unlock()
		k := strings.Join(strings.Fields(sqlLiteral.ReplaceAllString(q, "?")), " ")
		if strings.HasPrefix(k, "WITH") {
			k = "WITH … (the create rule's query)"
		}
		if len(k) > 140 {
			k = k[:140]
		}
		byKind[k] += d
		countOf[k]++
		if logging {
			logged = append(logged, fmt.Sprintf("%8.1fµs  %s", float64(d.Nanoseconds())/1e3, strings.Join(strings.Fields(q), " ")))
			if *benchSQLStack != "" && strings.Contains(q, *benchSQLStack) {
				logged = append(logged, string(debug.Stack()))
			}
		}
	}
	// Only under -bench-sql-log: with a log function set, dbx writes every
	// statement out with its values (Query.logSQL, a copy of the text per
	// bound value), which a server does not do — for a complaint's 42-column
	// INSERT and create-rule query that was ~360 KB and a fifth of the CPU
	// per create, so the figures would not be the server's. The statements
	// are counted from lib/stmtcache's counts otherwise.
	if *benchSQLLog {
		for _, db := range []dbx.Builder{app.ConcurrentDB(), app.NonconcurrentDB()} {
			db := db.(*dbx.DB)
			db.QueryLogFunc = func(_ context.Context, d time.Duration, q string, _ *sql.Rows, _ error) { note(d, q) }
			db.ExecLogFunc = func(_ context.Context, d time.Duration, q string, _ sql.Result, _ error) { note(d, q) }
		}
	}
	cases := []struct{ name, path, email, body string }{
		{"plain PocketBase, same fields and rule kind", "/api/collections/bench_plain/records", "owner1@example.com",
			`{"unit":"` + testapp.ID(b, "unit:1-101") + `","category":"cleaning","content":"楼道没有打扫","contact_name":"住户","contact_phone":"13800000000"}`},
		{"complaint by a resident", "/api/collections/complaints/records", "owner1@example.com",
			`{"unit":"` + testapp.ID(b, "unit:1-101") + `","category":"cleaning","content":"楼道没有打扫","contact_name":"住户","contact_phone":"13800000000"}`},
		{"work order by the desk", "/api/collections/work_orders/records", "frontdesk@example.com",
			`{"community":"` + testapp.ID(b, "community:CH") + `","unit":"` + testapp.ID(b, "unit:1-101") + `","kind":"routine","category":"plumbing","description":"水龙头漏水","contact_name":"住户","contact_phone":"13800000000"}`},
	}
	for _, c := range cases {
		token := testapp.Token(b, c.email)
		b.Run(c.name, func(b *testing.B) {
			if *benchSQLLog {
				logMu.Lock()
				logging, logged = true, nil
				clear(byKind)
				clear(countOf)
				logMu.Unlock()
				req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", token)
				h.ServeHTTP(httptest.NewRecorder(), req)
				logMu.Lock()
				logging = false
				fmt.Fprintf(os.Stderr, "\n== %s: %d statements\n%s\n", c.name, len(logged), strings.Join(logged, "\n"))
				logMu.Unlock()
			}
			defer func() {
				if !*benchSQLLog {
					return
				}
				logMu.Lock()
				defer logMu.Unlock()
				kinds := make([]string, 0, len(byKind))
				for k := range byKind {
					kinds = append(kinds, k)
				}
				sort.Slice(kinds, func(i, j int) bool { return byKind[kinds[i]] > byKind[kinds[j]] })
				fmt.Fprintf(os.Stderr, "-- %s: SQL time by statement (all iterations)\n", c.name)
				for _, k := range kinds {
					fmt.Fprintf(os.Stderr, "%8.1fµs/stmt %6d×  %s\n", float64(byKind[k].Nanoseconds())/1e3/float64(countOf[k]), countOf[k], k)
				}
			}()
			statements.Store(0)
			hit0, compiled0, busy0 := stmtcache.Stats()
			cpu0 := processCPU()
			if *benchCPUProfile != "" {
				f, err := os.Create(*benchCPUProfile + "." + strings.Fields(c.name)[0])
				if err != nil {
					b.Fatal(err)
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					b.Fatal(err)
				}
				defer func() { pprof.StopCPUProfile(); f.Close() }()
			}
			// How long each create held the write connection (issue #23
			// item 2: at 16 concurrent the rate is one over it), its
			// statements' part (Began → Worked) and in all (→ Done).
			var held, worked atomic.Int64
			restoreObserver := hooks.ObserveWrites(func(w hooks.WriteTiming) {
				if w.Job == "" {
					held.Add(int64(w.Done.Sub(w.Began)))
					worked.Add(int64(w.Worked.Sub(w.Began)))
				}
			})
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
			}
			// The process's CPU time (user and system, every goroutine:
			// after-commit work too) per create, which the machine's load
			// does not inflate as it does the time per create.
			restoreObserver()
			b.ReportMetric(float64(time.Duration(held.Load()).Microseconds())/float64(b.N), "hold-µs/op")
			b.ReportMetric(float64(time.Duration(worked.Load()).Microseconds())/float64(b.N), "tx-work-µs/op")
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
			// Statements compiled rather than run from the connection's
			// kept ones (lib/stmtcache): plain PocketBase's collection too
			// runs on the kept statements here, unlike cmd/bench's B2.
			hit, compiled, busy := stmtcache.Stats()
			n := statements.Load() // counted by the log functions
			if !*benchSQLLog {
				n = (hit - hit0) + (compiled - compiled0) + (busy - busy0)
			}
			b.ReportMetric(float64(n)/float64(b.N), "sql/op")
			b.ReportMetric(float64(compiled-compiled0)/float64(b.N), "compiled/op")
		})
	}
}
