package main

// stats: every statistics endpoint over the whole history, as the
// supervisor's dashboard (pb_public/js/staff/dashboard.js) and the cashier's
// close (cashier.js) call them. Goal: p50 under 50 ms.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"wuye/lib/workcal"
)

func init() { Register("stats", 30, runStats) }

func runStats(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	s, err := b.Wuye()
	if err != nil {
		return err
	}
	sup := d.DemoAccount("supervisor@example.com")
	cashier := d.DemoAccount("cashier@example.com")
	now := time.Now().In(workcal.Shanghai)
	month := now.Format("2006-01")
	lastMonth := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, workcal.Shanghai).Format("2006-01")
	quarter := quarterCode(now)
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return "?" + v.Encode()
	}
	c := d.Community
	endpoints := []struct{ name, path, token string }{
		{"complaints, this month", "/api/stats/complaints" + q("community", c, "month", month), sup.Token},
		{"complaints, last month", "/api/stats/complaints" + q("community", c, "month", lastMonth), sup.Token},
		{"work-orders, this month", "/api/stats/work-orders" + q("community", c, "month", month), sup.Token},
		{"work-orders, last month", "/api/stats/work-orders" + q("community", c, "month", lastMonth), sup.Token},
		{"fees, this quarter", "/api/stats/fees" + q("community", c, "range", quarter), sup.Token},
		{"fees, this quarter by building", "/api/stats/fees" + q("community", c, "range", quarter, "group", "building"), sup.Token},
		{"fees, this quarter by fee item", "/api/stats/fees" + q("community", c, "range", quarter, "group", "fee_item"), sup.Token},
		{"fees, this month", "/api/stats/fees" + q("community", c, "range", month), sup.Token},
		{"dashboard, this month", "/api/stats/dashboard" + q("community", c, "month", month), sup.Token},
		{"trends, 6 months", "/api/stats/trends" + q("community", c, "months", "6"), sup.Token},
		{"trends, 24 months", "/api/stats/trends" + q("community", c, "months", "24"), sup.Token},
		{"vacancy register", "/api/wuye/vacancy" + q("community", c), sup.Token},
		{"cash close, the cashier's own day", "/api/wuye/cash-close" + q("day", d.CashDay), cashier.Token},
		{"cash close, a cashier's day for the supervisor", "/api/wuye/cash-close" + q("day", d.CashDay, "cashier", cashier.ID), sup.Token},
	}
	var rows [][]string
	var failures []string
	met := 0
	for _, e := range endpoints {
		u := s.Base + e.path
		var size int
		call := func(ctx context.Context, _, _ int) error {
			var raw rawBody
			err := b.Call(ctx, http.MethodGet, u, e.token, nil, &raw)
			size = len(raw)
			return err
		}
		r := b.Closed(1, b.Phase, call)
		if err := r.Err(); err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", e.name, err))
		}
		verdict := "no"
		if r.P(0.5) < 50*time.Millisecond {
			verdict, met = "yes", met+1
		}
		b.Logf("%s: p50 %s ms, p95 %s ms (%d calls)", e.name, ms(r.P(0.5)), ms(r.P(0.95)), r.Count)
		rows = append(rows, []string{e.name, "`" + shortPath(e.path) + "`", fmt.Sprint(r.Count), ms(r.P(0.5)), ms(r.P(0.95)), ms(r.P(0.99)), verdict, fmt.Sprintf("%.1f", float64(size)/1024)})
		b.Metric(e.name, map[string]any{"p50_ms": msf(r.P(0.5)), "p95_ms": msf(r.P(0.95)), "p99_ms": msf(r.P(0.99)), "calls": r.Count})
	}
	b.Table(fmt.Sprintf("Statistics over the history (%d complaints, %d work orders, %d bills, %d payments), one client",
		d.Counts["complaints"], d.Counts["work_orders"], d.Counts["bills"], d.Counts["payments"]),
		[]string{"endpoint", "call", "calls", "p50 ms", "p95 ms", "p99 ms", "p50 < 50 ms", "answer KiB"}, rows,
		fmt.Sprintf("%d of %d under the goal. Supervisor's token (the role check included); months and quarter in Asia/Shanghai.", met, len(endpoints)))
	if len(failures) > 0 {
		return fmt.Errorf("failed requests: %v", failures)
	}
	return nil
}

// rawBody keeps an answer undecoded.
type rawBody []byte

func (r *rawBody) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }

func shortPath(p string) string {
	if u, err := url.Parse(p); err == nil {
		qs := u.Query()
		qs.Del("community")
		qs.Del("cashier")
		if len(qs) == 0 {
			return u.Path
		}
		return u.Path + "?" + qs.Encode()
	}
	return p
}
