package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"wuye/internal/serverproc"
)

// server is the wuye process under test.
type server struct {
	*serverproc.Proc
	base    string
	dataDir string
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
	addr, err := serverproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "demo", "--http", addr, "--dir", dataDir, "--publicDir", filepath.Join(root, "pb_public"))
	cmd.Dir = dir
	// The server goes with the soak, however the soak ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p, err := serverproc.Start(cmd, logFile)
	if err != nil {
		return nil, err
	}
	s := &server{Proc: p, base: "http://" + addr, dataDir: dataDir}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	err = p.WaitHealthy(ctx, http.DefaultClient, s.base, 200*time.Millisecond)
	switch {
	case errors.Is(err, serverproc.ErrExited):
		return nil, fmt.Errorf("wuye exited during start-up (%v); log:\n%s", p.Err(), p.Tail(30))
	case err != nil:
		s.stop()
		return nil, fmt.Errorf("wuye did not answer /api/health within 90 s; log:\n%s", p.Tail(30))
	}
	return s, nil
}

// stop ends the server: SIGTERM, then SIGKILL after 15 s. It reports
// whether the server shut down by itself.
func (s *server) stop() bool { return s.Stop(15 * time.Second) }

// panics counts the panics the server logged (PocketBase recovers a
// handler's panic into a 500, which the soak counts too).
func (s *server) panics() int {
	b, _ := os.ReadFile(s.LogPath())
	return strings.Count(string(b), "panic")
}
