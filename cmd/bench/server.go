package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	_ "net/http/pprof" // see WUYE_BENCH_PPROF_* in serveMain
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"

	"wuye/hooks"
	"wuye/internal/serverproc"
)

// ServerKind says what a bench server runs.
type ServerKind string

const (
	// KindWuye is Wuye as `wuye serve` runs it: every hook, route, cron job
	// and the pages.
	KindWuye ServerKind = "wuye"
	// KindPlain is plain PocketBase (pocketbase.New) on the same kind of
	// data directory: collections and rules, no Wuye hooks.
	KindPlain ServerKind = "plain"
)

// serveArg makes this binary a server instead of the harness.
const serveArg = "__serve"

// Server is a bench server process on loopback.
type Server struct {
	Kind ServerKind
	Base string // http://127.0.0.1:port
	Dir  string // its data directory
	Log  string // its output

	*serverproc.Proc // PID, Alive, Tail
}

// StartServer starts a server of kind on data directory dir and waits until
// it answers its health check. The server is stopped at the end of the run
// at the latest; Stop it sooner to free the machine for the next
// measurement.
func (b *Bench) StartServer(kind ServerKind, dir string) (*Server, error) {
	addr, err := serverproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(b.Tmp, fmt.Sprintf("server-%s-%d.log", kind, len(b.servers)))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	p, err := serverproc.Start(exec.Command(exe, serveArg, string(kind), dir, addr, filepath.Join(b.Root, "pb_public")), logFile)
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: kind, Base: "http://" + addr, Dir: dir, Log: logPath, Proc: p}
	b.servers = append(b.servers, s)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t := time.Now()
	if err := p.WaitHealthy(ctx, b.Client, s.Base, 100*time.Millisecond); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%s server did not start (%v); log:\n%s", kind, err, s.Tail(30))
	}
	b.Logf("%s server on %s (pid %d) up in %.1f s", kind, s.Base, s.PID(), time.Since(t).Seconds())
	return s, nil
}

// Stop ends the server: SIGTERM, then SIGKILL after 15 s.
func (s *Server) Stop() {
	if s != nil {
		s.Proc.Stop(15 * time.Second)
	}
}

// RSSKB is the server's resident set size in KiB (0 once it has exited).
func (s *Server) RSSKB() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.PID()))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// Settle waits until the server has gone idle — no more than a tick of CPU
// (10 ms) in a window of 200 ms — or for at most limit, and returns the CPU
// seconds it used meanwhile: what a measurement left it doing (commits
// copied back from the log, messages sent by the outbox) is charged to it,
// and is not done while the other server is measured.
func (s *Server) Settle(limit time.Duration) float64 {
	start := s.CPUSeconds()
	last := start
	for end := time.Now().Add(limit); time.Now().Before(end); {
		time.Sleep(200 * time.Millisecond)
		now := s.CPUSeconds()
		if now-last <= 0.01 {
			return now - start
		}
		last = now
	}
	return last - start
}

// CPUSeconds is the user+system CPU time the server has used so far.
func (s *Server) CPUSeconds() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.PID()))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start after ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

// serveMain is the server process: __serve kind dir addr publicDir.
func serveMain(args []string) error {
	if len(args) != 4 {
		return fmt.Errorf("usage: %s kind dir addr publicDir", serveArg)
	}
	kind, dir, addr, public := ServerKind(args[0]), args[1], args[2], args[3]
	// WUYE_BENCH_PPROF_WUYE=127.0.0.1:6061 (or _PLAIN) serves Go's profiler
	// from that server, to see where its time goes during a measurement.
	if pp := os.Getenv("WUYE_BENCH_PPROF_" + strings.ToUpper(string(kind))); pp != "" {
		go func() { fmt.Fprintln(os.Stderr, "pprof:", http.ListenAndServe(pp, nil)) }()
	}
	// PocketBase reads its flags from os.Args.
	os.Args = []string{os.Args[0], "serve", "--dir", dir, "--http", addr}
	cfg := pocketbase.Config{HideStartBanner: true, DefaultDataDir: dir}
	if kind == KindWuye {
		// As main.go configures `wuye serve`.
		cfg.DataMaxOpenConns, cfg.DataMaxIdleConns = hooks.DataMaxOpenConns, hooks.DataMaxIdleConns
		cfg.DBConnect = hooks.DBConnect
	}
	app := pocketbase.NewWithConfig(cfg)
	switch kind {
	case KindWuye:
		// As main.go wires `wuye serve`.
		hooks.ServePages(app, func() string { return public })
		hooks.Register(app)
		serveJobRoutes(app) // the jobs section's, on loopback only
		serveWriteLog(app)
	case KindPlain:
	default:
		return fmt.Errorf("unknown server kind %q", kind)
	}
	return app.Start()
}
