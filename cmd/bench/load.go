package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what a load run measured. Latencies are kept for every call,
// failed ones included.
type Result struct {
	Count   int           // calls finished
	Errors  int           // of those, failed
	Elapsed time.Duration // from the first start to the last finish
	Workers int           // closed loop: concurrency
	Rate    float64       // open loop: the target rate per second
	Late    int           // open loop: calls that started over 10 ms behind schedule (the load generator lagged)
	errs    []string
	lats    []time.Duration
	sorted  bool
}

// PerSec is the rate of successful calls.
func (r *Result) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Count-r.Errors) / r.Elapsed.Seconds()
}

// P is the q-quantile of the latencies (0 < q ≤ 1).
func (r *Result) P(q float64) time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	if !r.sorted {
		slices.Sort(r.lats)
		r.sorted = true
	}
	i := int(q*float64(len(r.lats))+0.5) - 1
	return r.lats[max(0, min(i, len(r.lats)-1))]
}

// Mean is the average latency.
func (r *Result) Mean() time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	var s time.Duration
	for _, l := range r.lats {
		s += l
	}
	return s / time.Duration(len(r.lats))
}

// Err is non-nil when a call failed or none ran.
func (r *Result) Err() error {
	if r.Count == 0 {
		return fmt.Errorf("no call finished")
	}
	if r.Errors > 0 {
		return fmt.Errorf("%d of %d calls failed, e.g. %v", r.Errors, r.Count, r.errs)
	}
	return nil
}

func (r *Result) add(lat time.Duration, err error) {
	r.Count++
	r.lats = append(r.lats, lat)
	if err != nil {
		r.Errors++
		if len(r.errs) < 3 {
			r.errs = append(r.errs, err.Error())
		}
	}
}

func (r *Result) merge(o *Result) {
	r.Count += o.Count
	r.Errors += o.Errors
	r.lats = append(r.lats, o.lats...)
	for _, e := range o.errs {
		if len(r.errs) < 3 {
			r.errs = append(r.errs, e)
		}
	}
}

// Call is one unit of load. worker is the caller's index (closed loop) and
// i the call's sequence number across all workers.
type Call func(ctx context.Context, worker, i int) error

// Closed runs fn back to back from workers goroutines for d (after an
// unrecorded warm-up of d/10, at most 2 s): throughput at fixed concurrency.
func (b *Bench) Closed(workers int, d time.Duration, fn Call) *Result {
	var seq atomic.Int64
	runFor := func(d time.Duration, record bool) *Result {
		ctx := context.Background()
		deadline := time.Now().Add(d)
		parts := make([]*Result, workers)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range workers {
			parts[w] = &Result{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					i := int(seq.Add(1) - 1)
					t := time.Now()
					err := fn(ctx, w, i)
					if record {
						parts[w].add(time.Since(t), err)
					}
				}
			}()
		}
		wg.Wait()
		r := &Result{Workers: workers, Elapsed: time.Since(start)}
		for _, p := range parts {
			r.merge(p)
		}
		return r
	}
	if warm := min(d/10, 2*time.Second); warm > 0 {
		runFor(warm, false)
	}
	return runFor(d, true)
}

// Open starts fn at rate calls per second for d, each on its own goroutine,
// whether or not earlier calls have finished; a call's latency counts from
// when it was due to start, so a server that falls behind shows it. It
// waits for the calls in flight at the end.
func (b *Bench) Open(rate float64, d time.Duration, fn Call) *Result {
	ctx := context.Background()
	n := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	res := &Result{Rate: rate}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		late := time.Since(due) > 10*time.Millisecond
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := fn(ctx, 0, i)
			lat := time.Since(due)
			mu.Lock()
			res.add(lat, err)
			if late {
				res.Late++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// Repeat runs fn n times, one after another (latency without queueing).
func (b *Bench) Repeat(n int, fn Call) *Result {
	ctx := context.Background()
	res := &Result{Workers: 1}
	start := time.Now()
	for i := range n {
		t := time.Now()
		err := fn(ctx, 0, i)
		res.add(time.Since(t), err)
	}
	res.Elapsed = time.Since(start)
	return res
}

type clientIPKey struct{}

// WithClientIP makes b.Call requests made with ctx come from ip (the
// X-Real-IP header, which bench data directories trust).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// PersonIP is a stable address for the n-th simulated person.
func PersonIP(n int) string { return fmt.Sprintf("10.%d.%d.%d", n/65536%256, n/256%256, n%256) }

// TerminalIP is one of 4,096 addresses for calls not tied to one person's
// device (a staff account used at many desks), picked by the call's number.
func TerminalIP(i int) string { return PersonIP(1<<20 + i%4096) }

// Call sends one request with an optional JSON body and auth token, and
// decodes a JSON answer into out when out is not nil. Any answer but 2xx is
// an error carrying the status and the start of the body.
func (b *Bench) Call(ctx context.Context, method, url, token string, body, out any) error {
	return b.call(b.Client, ctx, method, url, token, body, out)
}

// CallSlow is Call without the client's minute of timeout, for a request
// that does long work on purpose (the jobs section's job runs on the 1M-row
// history); ctx bounds it instead.
func (b *Bench) CallSlow(ctx context.Context, method, url, token string, body, out any) error {
	return b.call(&http.Client{Transport: b.Client.Transport}, ctx, method, url, token, body, out)
}

func (b *Bench) call(client *http.Client, ctx context.Context, method, url, token string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return send(client, ctx, method, url, token, ip, raw, nil, out)
}

// send sends one request: raw, when not nil, is its JSON body; token the
// Authorization header, ip the X-Real-IP one (none when empty), header any
// others. A 2xx answer is decoded into out when out is not nil; any other
// answer is an error carrying the status and the start of the body.
func send(client *http.Client, ctx context.Context, method, url, token, ip string, raw []byte, header map[string]string, out any) error {
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if ip != "" {
		req.Header.Set("X-Real-IP", ip)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		if len(body) > 300 {
			body = body[:300]
		}
		return fmt.Errorf("%s %s: %d %s", method, trimURL(url), res.StatusCode, body)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func trimURL(u string) string {
	if len(u) > 120 {
		return u[:120] + "…"
	}
	return u
}

// ms formats a duration in milliseconds for the tables.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
