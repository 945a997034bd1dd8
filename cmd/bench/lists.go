package main

// lists: the list calls the pages make on the big history — a resident's
// "my open requests" (pb_public/js/portal/home.js) and the front desk's
// queues (pb_public/js/staff/desk.js: the dispatch board, a unit's open
// documents at intake, the revisit queue) — each as the page used to ask
// (with the total count, whole lists) and as it asks now (skipTotal, open
// statuses only, a page at a time, buildings and service items from the
// page's cache: see withCached in pb_public/js/core/ui.js).

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

func init() { Register("lists", 20, runLists) }

type listPage struct {
	Items      []json.RawMessage `json:"items"`
	TotalItems int               `json:"totalItems"`
}

// listURL is a records list URL as the JS SDK builds it.
func listURL(base, col string, page, perPage int, q map[string]string) string {
	v := url.Values{}
	v.Set("page", fmt.Sprint(page))
	v.Set("perPage", fmt.Sprint(perPage))
	for k, x := range q {
		if x != "" {
			v.Set(k, x)
		}
	}
	return base + "/api/collections/" + col + "/records?" + v.Encode()
}

// pbString quotes s as pb.filter does.
func pbString(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}

// notIn is a filter requiring field to be none of values.
func notIn(field string, values []string) string {
	var parts []string
	for _, v := range values {
		parts = append(parts, field+" != "+pbString(v))
	}
	return strings.Join(parts, " && ")
}

func anyOf(field string, values []string) string {
	var parts []string
	for _, v := range values {
		parts = append(parts, field+" = "+pbString(v))
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// probe is one list measurement.
type probe struct {
	name  string
	items atomic.Int64 // rows returned, summed
	calls atomic.Int64
	call  func(ctx context.Context, i int, p *probe) error
}

func (b *Bench) getList(ctx context.Context, u, token string, p *probe) (*listPage, error) {
	var page listPage
	if err := b.Call(ctx, http.MethodGet, u, token, nil, &page); err != nil {
		return nil, err
	}
	p.items.Add(int64(len(page.Items)))
	return &page, nil
}

// fullList reads every page of 1,000 as getFullList does (skipTotal).
func (b *Bench) fullList(ctx context.Context, base, col, token string, q map[string]string, p *probe) error {
	q["skipTotal"] = "1"
	for page := 1; ; page++ {
		got, err := b.getList(ctx, listURL(base, col, page, 1000, q), token, p)
		if err != nil {
			return err
		}
		if len(got.Items) < 1000 {
			return nil
		}
	}
}

// fullItems is fullList keeping the rows.
func (b *Bench) fullItems(ctx context.Context, base, col, token string, q map[string]string, p *probe) ([]json.RawMessage, error) {
	q["skipTotal"] = "1"
	var all []json.RawMessage
	for page := 1; ; page++ {
		got, err := b.getList(ctx, listURL(base, col, page, 1000, q), token, p)
		if err != nil {
			return nil, err
		}
		all = append(all, got.Items...)
		if len(got.Items) < 1000 {
			return all, nil
		}
	}
}

// revisitSources are the revisit queue's four lists (Revisits in desk.js).
var revisitSources = []struct {
	col, status, sort, expand string
	cached                    []string
}{
	{"complaints", "replied", "replied_at,id", "unit", []string{"building", "unit.building"}},
	{"work_orders", "signed_off", "-revisit_overdue,signed_off_at,id", "unit,technician", []string{"building", "unit.building", "service_item"}},
	{"complaints", "revisited", "revisited_at,id", "unit", []string{"building", "unit.building"}},
	{"work_orders", "revisited", "-revisit_overdue,revisited_at,id", "unit,technician", []string{"building", "unit.building", "service_item"}},
}

// parallel runs fns at once, as Promise.all does, and returns the first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// withCached reads, as a newly opened page's cache does (withCached in
// pb_public/js/core/ui.js), each distinct building and service item the
// records point to (the record's own field and its expanded unit's), by id,
// six at a time as a browser does.
func (b *Bench) withCached(ctx context.Context, base, token string, items []json.RawMessage, fields ...string) error {
	type ref struct{ col, id string }
	seen := map[ref]bool{}
	var refs []ref
	add := func(rec map[string]any, field string) {
		col := map[string]string{"building": "buildings", "service_item": "service_items"}[field]
		if id, _ := rec[field].(string); id != "" && !seen[ref{col, id}] {
			seen[ref{col, id}] = true
			refs = append(refs, ref{col, id})
		}
	}
	for _, raw := range items {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		for _, f := range fields {
			if path := strings.Split(f, "."); len(path) == 2 {
				if exp, ok := rec["expand"].(map[string]any); ok {
					if owner, ok := exp[path[0]].(map[string]any); ok {
						add(owner, path[1])
					}
				}
			} else {
				add(rec, f)
			}
		}
	}
	sem := make(chan struct{}, 6)
	fns := make([]func() error, len(refs))
	for i, r := range refs {
		fns[i] = func() error {
			sem <- struct{}{}
			defer func() { <-sem }()
			return b.Call(ctx, http.MethodGet, base+"/api/collections/"+r.col+"/records/"+r.id, token, nil, nil)
		}
	}
	return parallel(fns...)
}

func runLists(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	s, err := b.Wuye()
	if err != nil {
		return err
	}
	base := s.Base
	// The terminal statuses, from the flows the pages read.
	var flows struct {
		Flows map[string]struct {
			Terminal []string `json:"terminal"`
		} `json:"flows"`
	}
	if err := b.Call(context.Background(), http.MethodGet, base+"/api/wuye/flows", d.Residents[0].Token, nil, &flows); err != nil {
		return fmt.Errorf("flows: %w", err)
	}
	terminal := func(col string) []string { return flows.Flows[col].Terminal }
	for _, col := range []string{"complaints", "work_orders", "renovations"} {
		if len(terminal(col)) == 0 {
			return fmt.Errorf("no terminal statuses for %s in /api/wuye/flows", col)
		}
	}
	order := rand.New(rand.NewPCG(20, 20)).Perm(len(d.Residents))
	who := func(i int) Person { return d.Residents[order[i%len(order)]] }
	desk := d.DemoAccount("frontdesk@example.com")
	c := d.Community

	// home.js: the three sources of "open requests".
	sources := []struct{ col, who, expand string }{
		{"complaints", "resident", ""}, {"work_orders", "requester", "service_item"}, {"renovations", "applicant", ""},
	}
	// mine is one source's call for resident r: before (count, no status
	// filter) or now (skipTotal, open statuses only).
	mine := func(ctx context.Context, src int, r Person, now bool, p *probe) error {
		ctx = WithClientIP(ctx, r.IP)
		s := sources[src]
		q := map[string]string{"filter": s.who + " = " + pbString(r.ID), "sort": "-updated", "expand": s.expand}
		if now { // home.js: the service items from the page's cache
			q["filter"] += " && " + notIn("status", terminal(s.col))
			q["skipTotal"] = "1"
			q["expand"] = ""
		}
		got, err := b.getList(ctx, listURL(base, s.col, 1, 20, q), r.Token, p)
		if err != nil || !now || s.col != "work_orders" {
			return err
		}
		return b.withCached(ctx, base, r.Token, got.Items, "service_item")
	}
	home := func(now bool) func(ctx context.Context, i int, p *probe) error {
		return func(ctx context.Context, i int, p *probe) error {
			r := who(i)
			return parallel(
				func() error { return mine(ctx, 0, r, now, p) },
				func() error { return mine(ctx, 1, r, now, p) },
				func() error { return mine(ctx, 2, r, now, p) },
			)
		}
	}
	one := func(src int, now, skipOnly bool) func(ctx context.Context, i int, p *probe) error {
		return func(ctx context.Context, i int, p *probe) error {
			r := who(i)
			if skipOnly { // skipTotal alone, no status filter
				ctx = WithClientIP(ctx, r.IP)
				s := sources[src]
				q := map[string]string{"filter": s.who + " = " + pbString(r.ID), "sort": "-updated", "expand": s.expand, "skipTotal": "1"}
				_, err := b.getList(ctx, listURL(base, s.col, 1, 20, q), r.Token, p)
				return err
			}
			return mine(ctx, src, r, now, p)
		}
	}
	board := []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress"}
	units := d.Units
	// oneIP: every call from the same address, as one clerk's computer
	// (else each call from one of many desks).
	unitLists := func(now, oneIP bool) func(ctx context.Context, i int, p *probe) error {
		return func(ctx context.Context, i int, p *probe) error {
			ctx = WithClientIP(ctx, TerminalIP(i))
			if oneIP {
				ctx = WithClientIP(ctx, desk.IP)
			}
			u := units[(i*7919)%len(units)].ID
			skip := ""
			if now {
				skip = "1"
			}
			return parallel(
				func() error {
					_, err := b.getList(ctx, listURL(base, "complaints", 1, 20, map[string]string{
						"filter": "unit = " + pbString(u) + ` && status != "closed" && status != "invalid"`, "sort": "-received_at", "skipTotal": skip}), desk.Token, p)
					return err
				},
				func() error {
					expand := "service_item"
					if now { // the service items from the page's cache
						expand = ""
					}
					got, err := b.getList(ctx, listURL(base, "work_orders", 1, 20, map[string]string{
						"filter": "unit = " + pbString(u) + ` && status != "closed" && status != "cancelled"`, "sort": "-received_at", "expand": expand, "skipTotal": skip}), desk.Token, p)
					if err != nil || !now {
						return err
					}
					return b.withCached(ctx, base, desk.Token, got.Items, "service_item")
				},
			)
		}
	}
	probes := []*probe{
		{name: "resident: complaints, as home.js asked (count, no status filter)", call: one(0, false, false)},
		{name: "resident: complaints, skipTotal", call: one(0, false, true)},
		{name: "resident: complaints, skipTotal + open statuses (home.js now)", call: one(0, true, false)},
		{name: "resident: work orders, as home.js asked", call: one(1, false, false)},
		{name: "resident: work orders, skipTotal + open statuses (now)", call: one(1, true, false)},
		{name: "resident: renovations, skipTotal + open statuses (now)", call: one(2, true, false)},
		{name: "resident: home \"my open requests\", 3 lists in parallel, as before", call: home(false)},
		{name: "resident: home \"my open requests\", 3 lists in parallel, now", call: home(true)},
		{name: "desk: dispatch board as before (getFullList sorted by received_at, expand)", call: func(ctx context.Context, i int, p *probe) error {
			return b.fullList(WithClientIP(ctx, TerminalIP(i)), base, "work_orders", desk.Token, map[string]string{
				"filter": "community = " + pbString(c) + " && " + anyOf("status", board), "sort": "received_at", "expand": "unit.building,building,service_item"}, p)
		}},
		{name: "desk: dispatch board now (GET /api/wuye/work-orders/board: the cards with their labels, one query)", call: func(ctx context.Context, i int, p *probe) error {
			_, err := b.getList(WithClientIP(ctx, TerminalIP(i)), base+"/api/wuye/work-orders/board?"+url.Values{"community": {c}}.Encode(), desk.Token, p)
			return err
		}},
		{name: "desk: dispatch board through the records list (unsorted; service items from the page's cache), before", call: func(ctx context.Context, i int, p *probe) error {
			ctx = WithClientIP(ctx, TerminalIP(i))
			items, err := b.fullItems(ctx, base, "work_orders", desk.Token, map[string]string{
				"filter": "community = " + pbString(c) + " && " + anyOf("status", board), "expand": "unit.building,building"}, p)
			if err != nil {
				return err
			}
			return b.withCached(ctx, base, desk.Token, items, "service_item")
		}},
		{name: "desk: a unit's open complaints and orders at intake, as before (count)", call: unitLists(false, false)},
		{name: "desk: a unit's open complaints and orders at intake, skipTotal (now)", call: unitLists(true, false)},
		{name: "desk: the same from one address back to back (PocketBase's empty-list throttle)", call: unitLists(true, true)},
		{name: "desk: revisit queue now (4 lists of the first 50 with counts; buildings and service items from the page's cache)", call: func(ctx context.Context, i int, p *probe) error {
			ctx = WithClientIP(ctx, TerminalIP(i))
			var fns []func() error
			for _, s := range revisitSources {
				fns = append(fns, func() error {
					got, err := b.getList(ctx, listURL(base, s.col, 1, 50, map[string]string{
						"filter": "community = " + pbString(c) + " && status = " + pbString(s.status), "sort": s.sort, "expand": s.expand}), desk.Token, p)
					if err != nil {
						return err
					}
					return b.withCached(ctx, base, desk.Token, got.Items, s.cached...)
				})
			}
			return parallel(fns...)
		}},
		{name: "desk: revisit queue as before (2 getFullLists, expand)", call: func(ctx context.Context, i int, p *probe) error {
			ctx = WithClientIP(ctx, TerminalIP(i))
			return parallel(
				func() error {
					return b.fullList(ctx, base, "complaints", desk.Token, map[string]string{
						"filter": "community = " + pbString(c) + ` && (status = "replied" || status = "revisited")`, "sort": "replied_at", "expand": "unit.building,building"}, p)
				},
				func() error {
					return b.fullList(ctx, base, "work_orders", desk.Token, map[string]string{
						"filter": "community = " + pbString(c) + ` && (status = "signed_off" || status = "revisited")`, "sort": "signed_off_at", "expand": "unit.building,building,service_item,technician"}, p)
				},
			)
		}},
	}
	var rows [][]string
	var failures []string
	for _, p := range probes {
		call := func(ctx context.Context, _, i int) error { p.calls.Add(1); return p.call(ctx, i, p) }
		lat := b.Closed(1, b.Phase, call)
		thr := b.Closed(16, b.Phase, call)
		for _, r := range []*Result{lat, thr} {
			if err := r.Err(); err != nil {
				failures = append(failures, fmt.Sprintf("%s: %v", p.name, err))
			}
		}
		rowsPer := float64(p.items.Load()) / float64(max(1, p.calls.Load()))
		b.Logf("%s: p50 %s ms, p99 %s ms; %.0f/s at 16", p.name, ms(lat.P(0.5)), ms(lat.P(0.99)), thr.PerSec())
		rows = append(rows, []string{p.name, fmt.Sprintf("%.1f", rowsPer),
			fmt.Sprintf("%s / %s / %s", ms(lat.P(0.5)), ms(lat.P(0.95)), ms(lat.P(0.99))),
			fmt.Sprintf("%.0f", thr.PerSec()), fmt.Sprintf("%s / %s", ms(thr.P(0.5)), ms(thr.P(0.99))), fmt.Sprint(lat.Errors + thr.Errors)})
		b.Metric(p.name, map[string]any{"rows": rowsPer, "p50_ms": msf(lat.P(0.5)), "p95_ms": msf(lat.P(0.95)), "p99_ms": msf(lat.P(0.99)),
			"per_s_16": thr.PerSec(), "p99_ms_16": msf(thr.P(0.99))})
	}
	b.Table(fmt.Sprintf("Lists on the history (%d complaints, %d work orders; %d open on the dispatch board, %d in the revisit queue)",
		d.Counts["complaints"], d.Counts["work_orders"], d.Open["dispatch_board"], d.Open["revisit_queue"]),
		[]string{"list (as the page calls it)", "rows returned", "1 client: p50 / p95 / p99 ms", "16 clients: calls/s", "16 clients: p50 / p99 ms", "errors"},
		rows,
		"A resident's calls run as that resident (their rules, their own address), the desk's as the demo front desk from many desks' addresses; a row of several lists is one page load (the lists in parallel, like Promise.all). "+
			"PocketBase sleeps up to 500 ms (at random) before answering a filtered list that found nothing when the same address has had more than 3 such answers in 3 s on that collection; the one-address row shows it.")
	if len(failures) > 0 {
		return fmt.Errorf("failed requests: %v", failures)
	}
	return nil
}
