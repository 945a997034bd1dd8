// Package serverproc runs a server as a child process, for the tools and
// tests that drive a real Wuye binary (cmd/bench, cmd/soak,
// internal/faults): the process's output goes to a log file, its end is
// watched, its health check (/api/health) is awaited, and it is stopped
// with SIGTERM, then SIGKILL if it does not go.
package serverproc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ErrExited is the error of WaitHealthy when the process ended before it
// answered.
var ErrExited = errors.New("the server exited")

// FreeAddr picks a free loopback address, 127.0.0.1:port, from below the
// kernel's ephemeral range.
//
// The server binds its address only once it is ready (for `wuye demo`,
// after the demo is loaded: some 10 s), and until then the port is free.
// A port the kernel handed out for 127.0.0.1:0 comes from its ephemeral
// range, from which it hands ports to every other listener on :0 and every
// outgoing connection too; in that window one of them can get it. Then a
// health check is answered by someone else's server and the caller goes
// on with a server that is still loading. That is the likeliest reading of
// a CI failure at the end of session 17: the fault tests' setup was
// "healthy" within 4.5 s (a demo load takes ~12 s) and every copy of its
// template had no tables. Below the ephemeral range only a process that
// names the port itself binds it.
func FreeAddr() (string, error) {
	lo := ephemeralLow()
	for try := 0; lo > fixedPortLow && try < 100; try++ {
		port := fixedPortLow + rand.IntN(lo-fixedPortLow)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue // taken
		}
		l.Close()
		return l.Addr().String(), nil
	}
	// No range below the ephemeral one, or 100 taken ports in a row: the
	// kernel's pick, with the window above.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// fixedPortLow is the lowest port FreeAddr picks: above the ports services
// are commonly configured on.
const fixedPortLow = 20000

// ephemeralLow is the first port of the kernel's ephemeral range (Linux;
// elsewhere, or when unreadable, the IANA range's 49152).
func ephemeralLow() int {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 49152
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(data), &lo, &hi); err != nil {
		return 49152
	}
	return lo
}

// Proc is a started process.
type Proc struct {
	cmd    *exec.Cmd
	log    string
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, once exited is closed
}

// Start starts cmd with its standard output and error going to log, which
// it closes when the process ends (or at once if it does not start).
func Start(cmd *exec.Cmd, log *os.File) (*Proc, error) {
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	p := &Proc{cmd: cmd, log: log.Name(), exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.exited)
	}()
	return p, nil
}

// PID is the process id.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Exited is closed when the process has ended.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// Err is the exit status, once Exited is closed.
func (p *Proc) Err() error { return p.err }

// Alive reports whether the process still runs.
func (p *Proc) Alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Stop asks the process to end (SIGTERM) and, if it has not within grace,
// kills it. It returns once the process is gone, reporting whether it ended
// by itself (true too when it had already ended).
func (p *Proc) Stop(grace time.Duration) bool {
	if !p.Alive() {
		return true
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return true
	case <-time.After(grace):
		p.Kill()
		return false
	}
}

// Kill is kill -9: no shutdown hook, whatever was in flight is cut. It
// returns once the process is gone.
func (p *Proc) Kill() {
	if !p.Alive() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// LogPath is the path of the process's log.
func (p *Proc) LogPath() string { return p.log }

// Tail is the last lines of the log.
func (p *Proc) Tail(lines int) string {
	b, _ := os.ReadFile(p.log)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// Context is a context of parent that also ends when the process does.
func (p *Proc) Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// WaitHealthy asks base/api/health with c every interval until it answers
// 200. It fails with ErrExited (and the exit status) when the process ends
// first, or with ctx's error when ctx does.
func (p *Proc) WaitHealthy(ctx context.Context, c *http.Client, base string, every time.Duration) error {
	ctx, cancel := p.Context(ctx)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/health", nil)
		if err != nil {
			return err
		}
		if res, err := c.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if !p.Alive() {
				return fmt.Errorf("%w (%v)", ErrExited, p.err)
			}
			return ctx.Err()
		case <-time.After(every):
		}
	}
}
