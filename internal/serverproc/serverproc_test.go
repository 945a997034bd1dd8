package serverproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the server: with SERVERPROC_HELPER set it is
// one, of the kind the variable names.
func TestMain(m *testing.M) {
	if kind := os.Getenv("SERVERPROC_HELPER"); kind != "" {
		helper(kind, os.Getenv("SERVERPROC_ADDR"))
		return
	}
	os.Exit(m.Run())
}

// helper is a server that logs, answers /api/health after 300 ms ("slow"),
// fails at start-up ("crash") or shrugs SIGTERM off ("stubborn").
func helper(kind, addr string) {
	fmt.Println("starting", kind)
	if kind == "crash" {
		fmt.Println("no database")
		os.Exit(3)
	}
	if kind == "stubborn" {
		signal.Ignore(syscall.SIGTERM)
	}
	up := time.Now().Add(300 * time.Millisecond)
	http.HandleFunc("/api/health", func(w http.ResponseWriter, r *http.Request) {
		if time.Now().Before(up) {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Println("healthy")
	})
	fmt.Println(http.ListenAndServe(addr, nil))
}

func start(t *testing.T, kind string) (*Proc, string) {
	t.Helper()
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(t.TempDir(), kind+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SERVERPROC_HELPER="+kind, "SERVERPROC_ADDR="+addr)
	p, err := Start(cmd, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p, "http://" + addr
}

func TestWaitHealthyThenStop(t *testing.T) {
	p, base := start(t, "slow")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.WaitHealthy(ctx, http.DefaultClient, base, 20*time.Millisecond); err != nil {
		t.Fatalf("WaitHealthy: %v; log:\n%s", err, p.Tail(10))
	}
	if !p.Alive() || p.PID() <= 0 {
		t.Fatalf("alive %v, pid %d", p.Alive(), p.PID())
	}
	runCtx, stopRun := p.Context(context.Background())
	defer stopRun()
	if !p.Stop(10 * time.Second) {
		t.Fatal("Stop: the server did not end on SIGTERM")
	}
	if p.Alive() {
		t.Fatal("alive after Stop")
	}
	select {
	case <-runCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the process's context did not end with it")
	}
	if got := p.Tail(1); got != "healthy" {
		t.Errorf("Tail(1) = %q, want the last line of the log", got)
	}
	if got := p.Tail(100); !strings.HasPrefix(got, "starting slow\n") {
		t.Errorf("Tail(100) = %q, want the whole log", got)
	}
	if !p.Stop(time.Second) {
		t.Error("Stop of an ended process reports false")
	}
}

func TestWaitHealthyWhenTheServerExits(t *testing.T) {
	p, base := start(t, "crash")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := p.WaitHealthy(ctx, http.DefaultClient, base, 20*time.Millisecond)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("WaitHealthy = %v, want ErrExited with exit status 3", err)
	}
	if ctx.Err() != nil {
		t.Fatal("WaitHealthy waited out its context instead of seeing the exit")
	}
	<-p.Exited()
	if p.Err() == nil || p.Tail(1) != "no database" {
		t.Errorf("Err %v, Tail %q", p.Err(), p.Tail(1))
	}
}

func TestWaitHealthyTimesOut(t *testing.T) {
	p, base := start(t, "slow")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.WaitHealthy(ctx, http.DefaultClient, base, 10*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitHealthy = %v, want the context's deadline", err)
	}
	if !p.Alive() {
		t.Fatal("the server ended with the wait")
	}
}

func TestStopKillsAServerThatIgnoresSIGTERM(t *testing.T) {
	p, base := start(t, "stubborn")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.WaitHealthy(ctx, http.DefaultClient, base, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if p.Stop(300 * time.Millisecond) {
		t.Fatal("Stop reports that a server ignoring SIGTERM ended by itself")
	}
	if p.Alive() {
		t.Fatal("alive after Stop")
	}
	if d := time.Since(t0); d < 300*time.Millisecond {
		t.Fatalf("killed after %v, before the grace period", d)
	}
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("exit status %v, want killed", err)
	}
}

// TestFreeAddrOutsideTheEphemeralRange: the ports FreeAddr picks are free
// and never ones the kernel hands to a listener on :0 while the server is
// still starting. A hundred listeners on :0 held open at once must not get
// any of them.
func TestFreeAddrOutsideTheEphemeralRange(t *testing.T) {
	lo := ephemeralLow()
	if lo <= fixedPortLow {
		t.Skipf("the ephemeral range starts at %d, below %d", lo, fixedPortLow)
	}
	picked := map[string]bool{}
	for i := 0; i < 20; i++ {
		addr, err := FreeAddr()
		if err != nil {
			t.Fatal(err)
		}
		_, portText, _ := net.SplitHostPort(addr)
		port, _ := strconv.Atoi(portText)
		if port < fixedPortLow || port >= lo {
			t.Fatalf("FreeAddr gave %s, not in [%d, %d)", addr, fixedPortLow, lo)
		}
		picked[addr] = true
	}
	for i := 0; i < 100; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if picked[l.Addr().String()] {
			t.Fatalf("the kernel gave %s, which FreeAddr had picked, to a listener on :0", l.Addr())
		}
	}
}
