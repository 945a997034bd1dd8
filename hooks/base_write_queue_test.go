package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/serial"
)

// Requests that wait for the write connection get it in the order they
// asked (base_write_queue.go): eight complaints filed while a job holds
// the connection are written, and numbered, in the order they came in.
// Without the queue Go's pool hands the freed connection to a random
// waiter, and eight come out in their order once in 40,320 runs.
func TestWritesTakeTurnsInOrder(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	token := testapp.Token(t, "owner1@example.com")
	pool := app.NonconcurrentDB().(*dbx.DB).DB()

	// Something else holds the write connection (as a job's batch would).
	held, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- app.RunInTransaction(func(tx core.App) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	const n = 8
	type answer struct {
		i    int
		code int
		body string
	}
	answers := make(chan answer, n)
	waitsBefore := pool.Stats().WaitCount
	for i := range n {
		go func() {
			body := fmt.Sprintf(`{"unit":%q,"category":"cleaning","content":"第 %d 件：楼道没有打扫","contact_name":"住户","contact_phone":"13800000000"}`, unit, i)
			req := httptest.NewRequest(http.MethodPost, "/api/collections/complaints/records", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			answers <- answer{i, rec.Code, rec.Body.String()}
		}()
		// The next one comes in only once this one waits: the first at
		// the connection itself, the others in the queue behind it (with no
		// queue, each at the connection).
		waitFor(t, func() bool {
			return hooks.WritesQueued(app)+int(pool.Stats().WaitCount-waitsBefore) == i+1
		})
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}

	seqs := make([]int, n)
	for range n {
		a := <-answers
		if a.code != http.StatusOK {
			t.Fatalf("complaint %d: %d %s", a.i, a.code, a.body)
		}
		var c struct{ Serial string }
		if err := json.Unmarshal([]byte(a.body), &c); err != nil {
			t.Fatal(err)
		}
		s, err := serial.Parse(c.Serial)
		if err != nil {
			t.Fatal(err)
		}
		seqs[a.i] = s.Seq
	}
	for i := 1; i < n; i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("written out of turn: serial numbers in the order the complaints came in: %v", seqs)
		}
	}
	if q := hooks.WritesQueued(app); q != 0 {
		t.Fatalf("%d still queued", q)
	}
}

// waitFor polls cond until it holds (at most 10 s).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}
