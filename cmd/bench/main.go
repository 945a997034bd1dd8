// Command bench is Wuye's performance harness (issue #10). It builds a data
// directory with every migration applied and the demo loaded, generates a
// realistic history into it with raw batched SQL (10k units in one
// community, 10k residents, 1M complaints, 1M work orders, 300k bills and
// their payments — not measured), then runs the servers as subprocesses on
// loopback and measures them with its own HTTP client, section by section.
// Every figure is set against a baseline measured in the same run.
//
//	go run ./cmd/bench                        # everything, full dataset
//	go run ./cmd/bench -quick                 # CI smoke: tiny dataset, 250 ms phases; asserts only that it all ran
//	go run ./cmd/bench -only creates,stats    # some sections
//	go run ./cmd/bench -data /tmp/wuye-bench  # keep the generated dataset there and reuse it next time
//	go run ./cmd/bench -out BENCH.json -md BENCH.md
//	go run ./cmd/bench -only capacity         # the capacity of one instance (issue #23; only when named, up to 15 min)
//
// It prints one markdown table per measurement (paste into BENCHMARKS.md)
// and exits non-zero if a section failed or any measured request failed.
//
// # Writing a section
//
// A section is a file of this package that registers itself:
//
//	func init() { Register("billing", 40, runBilling) }
//
//	func runBilling(b *Bench) error { … }
//
// Order: creates 10, lists 20, stats 30, billing 40, realtime 50, capacity 60
// (it runs only when named in -only, or as a smoke with -quick). What a
// section gets from b:
//
//   - b.Quick, b.Phase: smoke mode, and the length of one timed phase
//     (-phase, default 10 s; 250 ms with -quick). Size your own work by them.
//   - b.Data() *Dataset: the shared history, generated once per run (or
//     reused with -data) and copied into this run's directory; Dataset lists
//     the community, buildings, units, residents and staff with auth tokens
//     already minted (Person.Token), and the demo accounts (Dataset.Demo).
//     b.CopyData(name) gives a section that writes a lot a copy of its own
//     (the tokens are valid on it), leaving the shared one as generated.
//   - b.Wuye() *Server: the shared Wuye server (all hooks, rules, crons,
//     pages) on b.Data().Dir, started on first use; b.StopWuye() stops it.
//   - b.StartServer(KindWuye|KindPlain, dir): a server of your own on any data
//     directory (KindPlain is pocketbase.New with no Wuye hooks). Server.Base
//     is the URL, Server.PID() the process, Server.RSSKB() its resident set;
//     Stop() it when done. Servers are this binary re-executed, so the
//     server's memory and CPU are its own, not the load generator's.
//   - b.NewDataDir(name): a fresh data directory with the migrations applied,
//     the demo loaded and the rate limiter off; b.OpenApp(dir) opens any data
//     directory in-process (hooks registered) for setup by raw SQL or records.
//     Close it with app.ClearBootstrap() before a server uses the dir.
//   - Load: b.Closed(workers, duration, fn) runs fn back to back from a fixed
//     number of workers (throughput); b.Open(rate, duration, fn) starts fn at
//     a fixed rate whatever the server does (latency at a given load, no
//     coordinated omission); b.Repeat(n, fn) one after another. Each returns
//     a *Result (Count, Errors, PerSec, P(0.99) …); Result.Err() is non-nil if
//     any call failed. b.Client is the keep-alive HTTP client; b.Call does
//     one JSON request and fails on any non-2xx answer.
//   - Report: b.Table(title, header, rows, notes...) adds a markdown table
//     under the section's heading; b.Metric(key, value) a raw figure for the
//     JSON report; b.Answer(key, line) the section's answer, a metric that
//     the run also prints as its last lines; b.Logf progress lines.
//
// The rate limiter that 0024_ops turns on is off in every bench data
// directory: all the clients share 127.0.0.1.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"wuye/internal/repo"
)

type options struct {
	quick   bool
	only    string
	out     string
	md      string
	data    string
	keep    bool
	phase   time.Duration
	sizes   Sizes
	rebuild bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == serveArg {
		if err := serveMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	full := FullSizes()
	flag.BoolVar(&o.quick, "quick", false, "smoke run: tiny dataset, 250 ms phases, asserts only that every section ran and every request succeeded")
	flag.StringVar(&o.only, "only", "", "comma-separated sections to run (default all: "+strings.Join(sectionNames(), ",")+")")
	flag.StringVar(&o.out, "out", "", "write every table and figure as JSON to this file")
	flag.StringVar(&o.md, "md", "", "also write the markdown tables to this file")
	flag.StringVar(&o.data, "data", "", "keep the generated dataset in this directory and reuse it when it is there (default: generate into the run's temporary directory)")
	flag.BoolVar(&o.rebuild, "rebuild", false, "with -data: generate the dataset again even if it is there")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's temporary directory (data copy, server logs)")
	flag.DurationVar(&o.phase, "phase", 0, "length of one timed phase (default 10s, 250ms with -quick)")
	flag.IntVar(&o.sizes.Units, "units", full.Units, "units (one community) and residents, one per unit")
	flag.IntVar(&o.sizes.Complaints, "complaints", full.Complaints, "complaints of history")
	flag.IntVar(&o.sizes.WorkOrders, "workorders", full.WorkOrders, "work orders of history")
	flag.IntVar(&o.sizes.Bills, "bills", full.Bills, "bills of history (3 fee items a unit, quarterly, newest quarters first)")
	flag.Parse()
	if o.quick {
		q := QuickSizes()
		flag.Visit(func(f *flag.Flag) { // explicit sizes win over -quick's
			switch f.Name {
			case "units":
				q.Units = o.sizes.Units
			case "complaints":
				q.Complaints = o.sizes.Complaints
			case "workorders":
				q.WorkOrders = o.sizes.WorkOrders
			case "bills":
				q.Bills = o.sizes.Bills
			}
		})
		o.sizes = q
	}
	if o.phase == 0 {
		o.phase = 10 * time.Second
		if o.quick {
			o.phase = 250 * time.Millisecond
		}
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Bench is what a section measures with; see the package documentation.
type Bench struct {
	Quick  bool
	Phase  time.Duration
	Root   string // the module root (pb_public, go.mod)
	Tmp    string // this run's scratch directory
	Client *http.Client

	opts     options
	pristine string // the dataset as generated
	data     *Dataset
	dataErr  error
	wuye     *Server
	servers  []*Server
	report   *Report
	section  string
	answers  []string // the sections' answers (Answer), printed last
}

func run(o options) error {
	list, err := selectSections(o.only)
	if err != nil {
		return err
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "wuye-bench-")
	if err != nil {
		return err
	}
	b := &Bench{Quick: o.quick, Phase: o.phase, Root: root, Tmp: tmp, opts: o, Client: newClient(), report: newReport(o)}
	defer func() {
		for _, s := range b.servers {
			s.Stop()
		}
		if o.keep {
			fmt.Println("bench: kept", tmp)
		} else {
			os.RemoveAll(tmp)
		}
	}()
	b.Logf("sections: %s; phase %s; scratch %s", names(list), o.phase, tmp)

	var failed []string
	for _, s := range list {
		b.section = s.name
		b.report.begin(s.name)
		t := time.Now()
		b.Logf("== %s", s.name)
		err := s.run(b)
		b.report.end(s.name, time.Since(t), err)
		if err != nil {
			b.Logf("%s FAILED: %v", s.name, err)
			failed = append(failed, s.name)
		} else {
			b.Logf("%s done in %.1f s", s.name, time.Since(t).Seconds())
		}
	}
	b.section = ""
	b.StopWuye()

	md := b.report.Markdown(b)
	fmt.Println()
	fmt.Print(md)
	if o.md != "" {
		if err := os.WriteFile(o.md, []byte(md), 0o644); err != nil {
			return err
		}
	}
	if o.out != "" {
		if err := b.report.WriteJSON(o.out, b); err != nil {
			return err
		}
		b.Logf("report written to %s", o.out)
	}
	if len(b.answers) > 0 {
		fmt.Println()
		for _, a := range b.answers {
			fmt.Println(a)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("failed sections: %s", strings.Join(failed, ", "))
	}
	return nil
}

func names(list []sectionEntry) string {
	var n []string
	for _, s := range list {
		n = append(n, s.name)
	}
	return strings.Join(n, ",")
}

// Logf prints a progress line, prefixed with the section.
func (b *Bench) Logf(format string, args ...any) {
	prefix := "bench"
	if b.section != "" {
		prefix += "/" + b.section
	}
	fmt.Printf("%s %s: %s\n", time.Now().Format("15:04:05"), prefix, fmt.Sprintf(format, args...))
}

// Wuye is the shared Wuye server on the run's dataset, started on first use.
func (b *Bench) Wuye() (*Server, error) {
	if b.wuye != nil && b.wuye.Alive() {
		return b.wuye, nil
	}
	d, err := b.Data()
	if err != nil {
		return nil, err
	}
	s, err := b.StartServer(KindWuye, d.Dir)
	if err != nil {
		return nil, err
	}
	b.wuye = s
	return s, nil
}

// StopWuye stops the shared Wuye server, if it runs.
func (b *Bench) StopWuye() {
	if b.wuye != nil {
		b.wuye.Stop()
		b.wuye = nil
	}
}

func newClient() *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 4096,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}
