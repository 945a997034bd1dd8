package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// server is the wuye process under test.
type server struct {
	cmd     *exec.Cmd
	base    string
	log     string
	dataDir string
	exited  chan struct{} // closed when the process ends
	err     error         // its exit status, once exited is closed
}

// moduleRoot finds the directory of wuye's go.mod from the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module wuye\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the wuye module (no go.mod with `module wuye` above the working directory)")
		}
		dir = parent
	}
}

// build compiles wuye into dir with `go build` from the module root.
func build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "wuye")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// freeAddr picks a free loopback port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// superuser makes a platform superuser in the fresh data directory, for
// settings the soak changes (see -request-log).
func superuser(bin, dir, email, password string) error {
	cmd := exec.Command(bin, "superuser", "upsert", email, password, "--dir", filepath.Join(dir, "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("superuser upsert: %w: %s", err, out)
	}
	return nil
}

// start runs `wuye demo` on a fresh data directory and waits for its health
// check to answer.
func start(bin, root, dir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "demo", "--http", addr, "--dir", dataDir, "--publicDir", filepath.Join(root, "pb_public"))
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The server goes with the soak, however the soak ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logPath, dataDir: dataDir, exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return nil, fmt.Errorf("wuye exited during start-up (%v); log:\n%s", s.err, s.tail(30))
		default:
		}
		res, err := http.Get(s.base + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("wuye did not answer /api/health within 90 s; log:\n%s", s.tail(30))
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// alive reports whether the process is still running.
func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop ends the server: SIGTERM, then SIGKILL after 15 s. It reports
// whether the server shut down by itself.
func (s *server) stop() bool {
	if !s.alive() {
		return true
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return true
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return false
	}
}

// tail is the end of the server's log.
func (s *server) tail(lines int) string {
	b, _ := os.ReadFile(s.log)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// panics counts the panics the server logged (PocketBase recovers a
// handler's panic into a 500, which the soak counts too).
func (s *server) panics() int {
	b, _ := os.ReadFile(s.log)
	return strings.Count(string(b), "panic")
}

// waitCtx is a context that ends when the server does.
func (s *server) waitCtx(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-s.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
