package main

// fanout: a notice to every household of the generated community (10,000
// with the full dataset) told in batches (hooks/base_fanout.go), while
// residents file complaints at a fixed rate — their p50/p99 set against
// the same creates without a fan-out, in the same run on the same server —
// and the fan-out's own figures: how long it took, how many batches
// (transactions), rows per transaction, the longest transaction.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"time"
)

func init() { Register("fanout", 45, runFanoutBench) }

func runFanoutBench(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	dir, err := b.CopyData("fanout")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b.StopWuye()
	s, err := b.StartServer(KindWuye, dir)
	if err != nil {
		return err
	}
	defer s.Stop()
	var boss Person
	for _, p := range d.Staff {
		if p.Role == "supervisor" {
			boss = p
			break
		}
	}
	if boss.ID == "" {
		return fmt.Errorf("the dataset has no supervisor")
	}
	create := (&createLoad{b: b, c: createCases(d)[0]}).call(s) // residents' complaints
	rate := 20.0
	if b.Quick {
		rate = 10
	}
	ctx := WithClientIP(context.Background(), boss.IP)

	// Without a fan-out (after an unrecorded warm-up: the server's caches
	// and connections, as the creates during the fan-out find them).
	b.Open(rate, max(b.Phase/5, time.Second), create)
	base := b.Open(rate, b.Phase, create)
	b.Logf("creates at %.0f/s without a fan-out: p50 %s ms, p99 %s ms", rate, ms(base.P(0.5)), ms(base.P(0.99)))

	// With one: the notice is posted, then the creates run until its
	// fan-out is done (at least one phase).
	var notice struct {
		ID string `json:"id"`
	}
	posted := time.Now()
	if err := b.Call(ctx, http.MethodPost, s.Base+"/api/collections/notices/records", boss.Token, map[string]any{
		"community": d.Community, "category": "maintenance", "title": "基准测试：全小区停水通知",
		"body": "因市政管网维修，本小区明日 9:00–17:00 停水，请提前储水。",
	}, &notice); err != nil {
		return fmt.Errorf("post the notice: %w", err)
	}
	var announcedAt atomic.Value
	stop := make(chan struct{})
	go func() { // when the fan-out is done: the notice's announced_at
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			var n struct {
				AnnouncedAt string `json:"announced_at"`
			}
			if b.Call(ctx, http.MethodGet, s.Base+"/api/collections/notices/records/"+notice.ID, boss.Token, nil, &n) == nil && n.AnnouncedAt != "" {
				announcedAt.Store(time.Now())
				return
			}
		}
	}()
	during := b.Open(rate, b.Phase, create)
	for announcedAt.Load() == nil && time.Since(posted) < 10*time.Minute {
		during.merge(b.Open(rate, time.Second, create))
	}
	close(stop)
	done, _ := announcedAt.Load().(time.Time)
	if done.IsZero() {
		return fmt.Errorf("the notice's fan-out did not finish in 10 minutes")
	}
	var fan struct {
		Items []struct {
			Count     int    `json:"count"`
			Batches   int    `json:"batches"`
			LongestMS int    `json:"longest_ms"`
			StartedAt string `json:"started_at"`
			DoneAt    string `json:"done_at"`
		} `json:"items"`
	}
	q := url.Values{"filter": {fmt.Sprintf("subject_id = '%s'", notice.ID)}}
	if err := b.Call(ctx, http.MethodGet, s.Base+"/api/collections/fanouts/records?"+q.Encode(), boss.Token, nil, &fan); err != nil || len(fan.Items) != 1 {
		return fmt.Errorf("the fan-out's record: %v %v", err, fan.Items)
	}
	f := fan.Items[0]
	var deliveries struct {
		TotalItems int `json:"totalItems"`
	}
	// (The generated community has no other notice; a filter through the
	// notification would meet its rule: the recipient's alone.)
	q = url.Values{"filter": {fmt.Sprintf("kind = 'notice' && community = '%s'", d.Community)}, "perPage": {"1"}}
	if err := b.Call(ctx, http.MethodGet, s.Base+"/api/collections/deliveries/records?"+q.Encode(), boss.Token, nil, &deliveries); err != nil {
		return fmt.Errorf("the notice's deliveries: %w", err)
	}
	start, _ := time.Parse(tsLayout, f.StartedAt)
	end, _ := time.Parse(tsLayout, f.DoneAt)
	rows := f.Count + deliveries.TotalItems
	perTx := float64(rows) / float64(max(1, f.Batches))
	b.Logf("fan-out: %d residents in %d batches, %.0f rows a batch, longest %d ms, %s from post to announced",
		f.Count, f.Batches, perTx, f.LongestMS, done.Sub(posted).Round(time.Millisecond))
	b.Table(fmt.Sprintf("Complaints filed at %.0f/s, with and without a notice fanning out", rate),
		[]string{"", "creates", "failed", "p50 ms", "p99 ms", "max ms"},
		[][]string{
			{"without a fan-out", fmt.Sprint(base.Count), fmt.Sprint(base.Errors), ms(base.P(0.5)), ms(base.P(0.99)), ms(base.P(1))},
			{"during the fan-out", fmt.Sprint(during.Count), fmt.Sprint(during.Errors), ms(during.P(0.5)), ms(during.P(0.99)), ms(during.P(1))},
		},
		"p99 during / without: "+fmt.Sprintf("%.2f", float64(during.P(0.99))/float64(max(1, base.P(0.99)))))
	b.Table("The notice's fan-out", []string{"residents told", "batches (transactions)", "rows a transaction", "longest transaction ms",
		"fan-out s (first batch to done)", "post to announced s", "rows per ms of the longest"},
		[][]string{{fmt.Sprint(f.Count), fmt.Sprint(f.Batches), fmt.Sprintf("%.0f", perTx), fmt.Sprint(f.LongestMS),
			fmt.Sprintf("%.2f", end.Sub(start).Seconds()), fmt.Sprintf("%.2f", done.Sub(posted).Seconds()),
			fmt.Sprintf("%.1f", perTx/float64(max(1, f.LongestMS)))}},
		"rows = notifications + deliveries (in-app, and e-mail/WeChat for those who chose them; no SMS: the notice is not urgent)")
	b.Metric("fanout_residents", f.Count)
	b.Metric("fanout_batches", f.Batches)
	b.Metric("fanout_longest_ms", f.LongestMS)
	b.Metric("fanout_creates_p99_ms_without", base.P(0.99).Milliseconds())
	b.Metric("fanout_creates_p99_ms_during", during.P(0.99).Milliseconds())
	if err := base.Err(); err != nil {
		return fmt.Errorf("creates without a fan-out: %w", err)
	}
	if err := during.Err(); err != nil {
		return fmt.Errorf("creates during the fan-out: %w", err)
	}
	if f.Count == 0 || f.Count < len(d.Residents) {
		return fmt.Errorf("the notice reached %d of %d residents", f.Count, len(d.Residents))
	}
	return nil
}
