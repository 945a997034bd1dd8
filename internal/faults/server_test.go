package faults

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	// The SQLite driver PocketBase itself registers ("sqlite", modernc).
	_ "github.com/pocketbase/pocketbase/core"

	"wuye/internal/repo"
	"wuye/internal/serverproc"
	"wuye/internal/testapp"
)

const password = "demo-pass-2026"

var (
	setupOnce sync.Once
	setupErr  error
	binPath   string // the wuye binary
	workDir   string // holds the template data directory
	template  string // a data directory with the demo loaded, server stopped
)

func TestMain(m *testing.M) {
	code := m.Run()
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	testapp.Remove() // the in-process tests' template (jobs_test.go)
	os.Exit(code)
}

// setup builds the binary (or takes WUYE_BIN) and makes the template data
// directory by starting the demo once and stopping it, for every test to
// copy: loading the demo takes a few seconds, copying it a few milliseconds.
func setup(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault tests run the real binary; skipped under -short")
	}
	setupOnce.Do(func() {
		if workDir, setupErr = os.MkdirTemp("", "wuye_faults_"); setupErr != nil {
			return
		}
		binPath = os.Getenv("WUYE_BIN")
		if binPath == "" {
			binPath = filepath.Join(workDir, "wuye")
			root, err := repo.Root()
			if err != nil {
				setupErr = err
				return
			}
			build := exec.Command("go", "build", "-o", binPath, ".")
			build.Dir = root
			if out, err := build.CombinedOutput(); err != nil {
				setupErr = fmt.Errorf("go build: %v\n%s", err, out)
				return
			}
		}
		template = filepath.Join(workDir, "template")
		s, err := start(template)
		if err != nil {
			setupErr = err
			return
		}
		setupErr = s.stop()
	})
	if setupErr != nil {
		t.Fatalf("setup: %v", setupErr)
	}
}

// freshDir copies the template data directory for one test.
func freshDir(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "pb_data")
	if err := repo.CopyDir(template, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// server is one run of the binary on a data directory.
type server struct {
	*serverproc.Proc
	dir  string
	base string // http://127.0.0.1:PORT
}

// start runs `wuye demo` on dir (the demo is loaded when dir has none) and
// waits until /api/health answers.
func start(dir string) (*server, error) {
	addr, err := serverproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	p, err := serverproc.Start(exec.Command(binPath, "demo", "--http", addr, "--dir", dir), logFile)
	if err != nil {
		return nil, err
	}
	s := &server{Proc: p, dir: dir, base: "http://" + addr}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = p.WaitHealthy(ctx, http.DefaultClient, s.base, 30*time.Millisecond)
	switch {
	case errors.Is(err, serverproc.ErrExited):
		return nil, fmt.Errorf("server exited at start: %v\n%s", p.Err(), s.logTail())
	case err != nil:
		s.Kill()
		return nil, fmt.Errorf("server not healthy within 60 s\n%s", s.logTail())
	}
	return s, nil
}

func mustStart(t *testing.T, dir string) *server {
	t.Helper()
	s, err := start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// stop asks the server to shut down (SIGTERM) and waits for it.
func (s *server) stop() error {
	if !s.Stop(20 * time.Second) {
		return errors.New("server did not stop on SIGTERM")
	}
	return nil
}

func (s *server) logTail() string {
	data, _ := os.ReadFile(s.LogPath())
	if len(data) > 3000 {
		data = data[len(data)-3000:]
	}
	return string(data)
}

// clients send the tests' requests from 24 loopback addresses in turn:
// the server limits creates per client IP and collection (60 in 10 s,
// migrations/0024_ops.go), and a burst here stands for a whole office — each desk
// its own address — not for one client flooding the server.
var (
	clients    = loopbackClients(24)
	nextClient atomic.Uint32
)

func loopbackClients(n int) []*http.Client {
	out := make([]*http.Client, n)
	for i := range out {
		dialer := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(20+i))}}
		out[i] = &http.Client{
			Timeout:   20 * time.Second,
			Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 16},
		}
	}
	return out
}

// reply is an API answer; err is a transport error (no answer at all).
type reply struct {
	code int
	body []byte
	err  error
}

func (r reply) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.code, r.body)
}

// json decodes the body into a map.
func (r reply) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.body, &m)
	return m
}

func (r reply) str(field string) string {
	v, _ := r.json()[field].(string)
	return v
}

// message is the error's top-level message (Chinese unless asked otherwise).
func (r reply) message() string { return r.str("message") }

// call sends method path with body (marshalled to JSON unless nil) as the
// holder of token ("" = anonymous).
func (s *server) call(token, method, path string, body any) reply {
	return call(s.base, token, method, path, body)
}

func call(base, token, method, path string, body any) reply {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return reply{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, base+path, rd)
	if err != nil {
		return reply{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := clients[nextClient.Add(1)%uint32(len(clients))].Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		// The status line came but the body was cut: not an answer.
		return reply{code: resp.StatusCode, err: err}
	}
	return reply{code: resp.StatusCode, body: data}
}

// login signs in a demo account and returns its token; tokens stay valid
// across restarts of the same data directory.
func (s *server) login(t *testing.T, email string) string {
	t.Helper()
	col := "staff"
	if strings.HasPrefix(email, "owner") || strings.HasPrefix(email, "tenant") || strings.HasPrefix(email, "family") {
		col = "residents"
	}
	r := s.call("", http.MethodPost, "/api/collections/"+col+"/auth-with-password", map[string]string{"identity": email, "password": password})
	if r.code != 200 {
		t.Fatalf("login %s: %s", email, r)
	}
	return r.str("token")
}

// openDB opens dir's data.db read-only with PocketBase's driver (the server
// must be stopped or killed; a killed server's WAL is recovered on open).
func openDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openRW opens dir's data.db for writing, for preparing data while the
// server is stopped.
func openRW(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// integrity runs PRAGMA integrity_check and fails the test unless it is ok.
func integrity(t *testing.T, db *sql.DB, when string) {
	t.Helper()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("%s: integrity_check: %v", when, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if len(out) != 1 || out[0] != "ok" {
		t.Fatalf("%s: integrity_check: %v", when, out)
	}
}

// one scans a single value.
func one[T any](t *testing.T, db *sql.DB, query string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// column scans the first column of every row.
func column[T any](t *testing.T, db *sql.DB, query string, args ...any) []T {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// idOf looks up one id with a query against the template (before a test's
// server runs): e.g. the community CH.
func idOf(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	return one[string](t, db, query, args...)
}

// serialsGapFree checks that the serials of prefix are unique and, per day,
// numbered 1…n without a gap, with the day's counter at n: the counter is
// taken in the transaction that stores the document, so a document cut off
// by a crash takes its number with it.
func serialsGapFree(t *testing.T, db *sql.DB, table, prefix string) int {
	t.Helper()
	rows, err := db.Query(`SELECT serial FROM `+table+` WHERE serial LIKE ? ORDER BY serial`, prefix+"-%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byDay := map[string][]int{}
	seen := map[string]bool{}
	total := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		if seen[s] {
			t.Errorf("%s: serial %s twice", table, s)
		}
		seen[s] = true
		parts := strings.Split(s, "-")
		if len(parts) != 3 {
			t.Fatalf("%s: malformed serial %q", table, s)
		}
		var n int
		fmt.Sscanf(parts[2], "%d", &n)
		byDay[parts[1]] = append(byDay[parts[1]], n)
		total++
	}
	for day, nums := range byDay {
		for i, n := range nums { // ordered: zero-padded numbers sort as text
			if n != i+1 {
				t.Errorf("%s: %s-%s numbers have a gap or repeat at %d (got %d)", table, prefix, day, i+1, n)
				break
			}
		}
		if last := one[int](t, db, `SELECT last FROM _wuye_serials WHERE prefix = ? AND day = ?`, prefix, day); last != len(nums) {
			t.Errorf("%s: the %s-%s counter is at %d but %d documents carry its numbers", table, prefix, day, last, len(nums))
		}
	}
	return total
}
