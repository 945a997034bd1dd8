package main

// realtime: 1,000 residents and 100 staff connected to /api/realtime the way
// the pages connect, while residents file complaints and repairs and the
// desk assigns and dispatches them. Measured on the shared Wuye server:
//
//   - throughput of those creates and status changes at fixed concurrency
//     with no client connected (the baseline, taken before and after), with
//     the clients subscribed as the pages now subscribe (their own narrow
//     topics, hooks/base_realtime.go), and with the clients subscribed as
//     the pages used to (collection-wide "*" topics, for comparison); once
//     more with the pages also re-reading what each message told them of,
//     as they do, which adds reads to the server's load (gathered into one
//     re-read per screen per window, as pb_public/js/core/realtime.js does);
//   - the pages' re-reads by screen: requests, their latency, and the
//     server's CPU time per request (a sample replayed on the idle server),
//     to see which dominate;
//   - the server's CPU time per change in each phase, steadier than the
//     throughput on a shared machine, and at a fixed rate with and without
//     the pages' re-reads (their cost per change at the same rate);
//   - delivery latency from the start of the request that made a change to
//     its arrival at each client that should hear of it (the resident whose
//     record it is, the staff whose board shows it), at a fixed rate and
//     under the closed loop; deliveries missed; deliveries to a client that
//     may not read the record (checked against the API with the client's
//     own token) — must be 0;
//   - the server's resident set size with and without the clients.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"wuye/lib/workcal"
)

func init() { Register("realtime", 50, runRealtime) }

const (
	rtResidents = 1000 // resident clients (fewer if the dataset has fewer residents)
	rtStaff     = 100  // staff clients: every office role, then technicians
	rtWorkers   = 16   // closed-loop concurrency
	rtCycleRate = 10.0 // open loop: cycles (4 changes each) per second
)

// rtMode is how the clients subscribe.
type rtMode string

const (
	rtPages  rtMode = "pages"  // as the pages now do: resident/<id>, employee/<id>, community/<id>/<collection>
	rtLegacy rtMode = "legacy" // as the pages did before: complaints/*, work_orders/* … (the bell on its own topic)
)

// rtClient is one open page.
type rtClient struct {
	idx    int
	kind   string // "resident" or the staff role
	person Person
	skills []string
}

// rtFlow is one request's change: which clients must hear of record id.
type rtFlow struct {
	id         string
	collection string
	resident   int   // client index of the resident, -1 if not connected
	staff      []int // client indexes of the staff who must hear of it
}

// rtHub matches arrivals with the changes that caused them.
type rtHub struct {
	mu       sync.Mutex
	recv     bool                      // recording deliveries
	pending  map[[2]string][]time.Time // (client idx, record id) → start times of changes not yet delivered
	owner    map[string]string         // record id → resident id, for the records the bench made
	resLat   []time.Duration
	staffLat []time.Duration
	extra    int // messages about a bench record with no change waiting for them
	wrong    int // resident clients sent another resident's record
	messages atomic.Int64
	toVerify map[[3]string]bool // (client idx, collection, id) to check with the client's token
}

func newHub() *rtHub {
	return &rtHub{pending: map[[2]string][]time.Time{}, owner: map[string]string{}, toVerify: map[[3]string]bool{}}
}

func pendKey(client int, id string) [2]string { return [2]string{fmt.Sprint(client), id} }

// expect records that the clients of f must hear of it, from t0.
func (h *rtHub) expect(f rtFlow, t0 time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.recv {
		return
	}
	add := func(c int) {
		k := pendKey(c, f.id)
		h.pending[k] = append(h.pending[k], t0)
	}
	if f.resident >= 0 {
		add(f.resident)
	}
	for _, c := range f.staff {
		add(c)
	}
}

// arrived is a message at client c about collection/id.
func (h *rtHub) arrived(c *rtClient, collection, id string, at time.Time) {
	h.messages.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.recv {
		return
	}
	owner, ours := h.owner[id]
	if c.kind == "resident" && ours && owner != c.person.ID {
		h.wrong++
	}
	if !ours || c.kind != "resident" {
		// Staff deliveries and anything the bench did not make (notifications,
		// bills) are checked against the API afterwards.
		if len(h.toVerify) < 4000 {
			h.toVerify[[3]string{fmt.Sprint(c.idx), collection, id}] = true
		}
	}
	k := pendKey(c.idx, id)
	q := h.pending[k]
	if len(q) == 0 {
		if ours {
			h.extra++
		}
		return
	}
	lat := at.Sub(q[0])
	if len(q) == 1 {
		delete(h.pending, k)
	} else {
		h.pending[k] = q[1:]
	}
	if c.kind == "resident" {
		h.resLat = append(h.resLat, lat)
	} else {
		h.staffLat = append(h.staffLat, lat)
	}
}

// rtDeliveries is what one measured phase delivered.
type rtDeliveries struct {
	res, staff []time.Duration
	missed     int
	extra      int
	wrong      int
}

// start begins recording a phase.
func (h *rtHub) start() {
	h.mu.Lock()
	h.recv = true
	h.pending = map[[2]string][]time.Time{}
	h.resLat, h.staffLat, h.extra, h.wrong = nil, nil, 0, 0
	h.mu.Unlock()
}

// stop waits up to grace for the deliveries still due and ends the phase.
func (h *rtHub) stop(grace time.Duration) rtDeliveries {
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		n := len(h.pending)
		h.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	d := rtDeliveries{res: h.resLat, staff: h.staffLat, extra: h.extra, wrong: h.wrong}
	for _, q := range h.pending {
		d.missed += len(q)
	}
	h.recv = false
	return d
}

// rtWorld is what the section works with.
type rtWorld struct {
	b         *Bench
	base      string
	community string
	clients   []*rtClient
	residents []int            // client indexes of the residents
	byRole    map[string][]int // client indexes of the staff by role
	desks     []Person
	handlers  []Person
	techs     []int // client indexes of the technicians
	hub       *rtHub
	stream    *http.Client
	rng       *rand.Rand
	rngMu     sync.Mutex
	seq       atomic.Int64 // ids
	ops       atomic.Int64 // changes made, warm-ups included
	// Pages re-reading what a narrow topic told them of (one phase).
	rereads     atomic.Bool
	rereading   sync.WaitGroup
	rereadsDone atomic.Int64
	rereadErrs  atomic.Int64
	notesPlaced atomic.Int64              // new notifications a screen put in place from the message, with no request
	stepsPlaced atomic.Int64              // steps of a listed request the home put in place from the message
	cardsPlaced atomic.Int64              // new requests the home put in place from the message's card
	pages       []*rtPage                 // by client index
	readStats   map[rtScreen]*rtReadStats // by screen
	rr          atomic.Int64              // round robin over desks, handlers, technicians, categories
	prefix      string                    // 5 characters of this run in the ids
}

func runRealtime(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	srv, err := b.Wuye()
	if err != nil {
		return err
	}
	w := &rtWorld{b: b, base: srv.Base, community: d.Community, hub: newHub(), byRole: map[string][]int{},
		rng: rand.New(rand.NewPCG(50, 50)),
		stream: &http.Client{Transport: &http.Transport{
			Proxy: nil, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 2000, DisableCompression: true,
		}}}
	const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
	for range 5 {
		w.prefix += string(base36[rand.IntN(len(base36))])
	}
	if err := w.pickClients(d); err != nil {
		return err
	}
	w.readStats = map[rtScreen]*rtReadStats{}
	for _, screen := range rtScreens {
		w.readStats[screen] = &rtReadStats{}
	}
	for range w.clients {
		w.pages = append(w.pages, &rtPage{pending: map[rtScreen][][2]string{}, last: map[rtScreen]time.Time{}, buildings: map[string]bool{}, home: map[string]bool{}})
	}
	b.Logf("%d resident and %d staff clients; %d workers closed loop, %.0f changes/s open loop; phase %s",
		len(w.residents), len(w.clients)-len(w.residents), rtWorkers, 4*rtCycleRate, b.Phase)

	type row struct {
		name       string
		ops        *Result
		deliv      *rtDeliveries
		rss        int64
		clients    int
		serverCPU  float64 // server CPU ms per change (warm-up included in both)
		harnessCPU float64 // this process's CPU ms per change: the simulated pages and the load
	}
	var rows []row
	closed := func(name string, n int) (*Result, rtDeliveries) {
		if n > 0 {
			w.hub.start()
		}
		cpu0, self0, ops0 := srv.CPUSeconds(), selfCPUSeconds(), w.ops.Load()
		r := b.Closed(rtWorkers, b.Phase, w.closedOp)
		n1 := float64(w.ops.Load() - ops0)
		sc, hc := (srv.CPUSeconds()-cpu0)*1000/n1, (selfCPUSeconds()-self0)*1000/n1
		var del rtDeliveries
		if n > 0 {
			del = w.hub.stop(5 * time.Second)
		}
		b.Logf("%s: %.0f changes/s (%d, %d failed), %d messages so far", name, r.PerSec(), r.Count, r.Errors, w.hub.messages.Load())
		rows = append(rows, row{name, r, &del, srv.RSSKB(), n, sc, hc})
		return r, del
	}
	var errs []error
	check := func(what string, r *Result) {
		if e := r.Err(); e != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, e))
		}
	}

	rssIdle := srv.RSSKB()
	base1, _ := closed("no clients", 0)
	check("no clients", base1)

	// As the pages subscribe now.
	peak := &rtRSSPeak{}
	stopPeak := peak.watch(srv)
	conn, err := w.connect(rtPages)
	if err != nil {
		stopPeak()
		return err
	}
	time.Sleep(time.Second)
	rssPages := srv.RSSKB()
	pagesR, pagesClosed := closed(fmt.Sprintf("%d clients, narrow topics (pages now)", len(w.clients)), len(w.clients))
	check("narrow topics", pagesR)
	w.hub.start()
	cpuOpen, opsOpen := srv.CPUSeconds(), w.ops.Load()
	open := b.Open(rtCycleRate, b.Phase, w.cycle)
	openCPU := (srv.CPUSeconds() - cpuOpen) * 1000 / float64(w.ops.Load()-opsOpen)
	openDel := w.hub.stop(5 * time.Second)
	check("narrow topics, fixed rate", open)
	b.Logf("fixed rate: %d cycles, %d failed, %d late starts; server %.1f CPU ms/change", open.Count, open.Errors, open.Late, openCPU)
	// The same rate with the pages re-reading: what the re-reads cost the
	// server per change when both make the same changes a second — on a
	// shared machine far steadier than the closed loop's throughput. Its
	// re-reads are not counted in the table by screen below.
	w.rereads.Store(true)
	cpuOpen, opsOpen = srv.CPUSeconds(), w.ops.Load()
	openRe := b.Open(rtCycleRate, b.Phase, w.cycle)
	w.rereads.Store(false)
	w.rereading.Wait()
	openReCPU := (srv.CPUSeconds() - cpuOpen) * 1000 / float64(w.ops.Load()-opsOpen)
	openReReads := w.rereadsDone.Load()
	check("narrow topics, fixed rate, pages re-reading", openRe)
	b.Logf("fixed rate, pages re-reading: %d cycles, %d failed, %d late starts; server %.1f CPU ms/change (%d re-reads)", openRe.Count, openRe.Errors, openRe.Late, openReCPU, openReReads)
	for _, st := range w.readStats {
		st.refreshes, st.messages, st.lat, st.sample = 0, 0, nil, nil
	}
	w.rereadsDone.Store(0)
	w.notesPlaced.Store(0)
	w.stepsPlaced.Store(0)
	w.cardsPlaced.Store(0)
	// The same, with every page re-reading what it was told of.
	w.rereads.Store(true)
	rereadStart := time.Now()
	rereadR, _ := closed(fmt.Sprintf("%d clients, narrow topics, pages re-reading", len(w.clients)), len(w.clients))
	// No window opens from now on; those still open end with their
	// re-reads, as on the pages.
	w.rereads.Store(false)
	w.rereading.Wait()
	rereadSecs := time.Since(rereadStart).Seconds()
	check("narrow topics with re-reads", rereadR)
	b.Logf("pages' re-reads: %d, %d failed; %d new notifications, %d new requests and %d steps put in place from their message",
		w.rereadsDone.Load(), w.rereadErrs.Load(), w.notesPlaced.Load(), w.cardsPlaced.Load(), w.stepsPlaced.Load())
	if n := w.rereadErrs.Load(); n > 0 {
		errs = append(errs, fmt.Errorf("%d of the pages' re-reads failed", n))
	}
	cpuRepeat := 200
	if b.Quick {
		cpuRepeat = 20
	}
	readCPU := w.readCPU(srv, cpuRepeat)
	rssPagesAfter := srv.RSSKB()
	verified, wrongByAPI, verr := w.verify()
	if verr != nil {
		errs = append(errs, verr)
	}
	conn.close()
	stopPeak()

	// As the pages subscribed before (collection "*" topics): for comparison
	// (not in the smoke run, where it would take most of the time).
	var legacyR *Result
	var legacyDel rtDeliveries
	var rssLegacy int64
	if b.Quick {
		b.Logf("smoke run: the collection topics' phase is left out")
	} else if conn, err := w.connect(rtLegacy); err != nil {
		errs = append(errs, err)
	} else {
		time.Sleep(time.Second)
		rssLegacy = srv.RSSKB()
		legacyR, legacyDel = closed(fmt.Sprintf("%d clients, collection topics (pages before)", len(w.clients)), len(w.clients))
		check("collection topics", legacyR)
		conn.close()
	}
	time.Sleep(time.Second)
	base2, _ := closed("no clients, again", 0)
	check("no clients, again", base2)

	baseline := (base1.PerSec() + base2.PerSec()) / 2
	lat := func(l []time.Duration, q float64) string {
		if len(l) == 0 {
			return "–"
		}
		return ms(rtQuantile(l, q))
	}
	baseCPU := (rows[0].serverCPU + rows[len(rows)-1].serverCPU) / 2
	cpuRatio := fmt.Sprintf("%.2f", baseCPU/rows[1].serverCPU)
	b.Metric("server_cpu_ms_per_change_no_clients", baseCPU)
	b.Metric("server_cpu_ms_per_change_pages", rows[1].serverCPU)
	var table [][]string
	for _, r := range rows {
		dl := r.deliv
		rss := "–"
		if r.rss > 0 {
			rss = fmt.Sprintf("%.0f", float64(r.rss)/1024)
		}
		table = append(table, []string{r.name, fmt.Sprint(r.clients), fmt.Sprintf("%.0f", r.ops.PerSec()), ratio(r.ops.PerSec(), baseline),
			fmt.Sprintf("%.1f", r.serverCPU), fmt.Sprintf("%.1f", r.harnessCPU),
			ms(r.ops.P(0.5)), ms(r.ops.P(0.99)),
			lat(dl.res, 0.5), lat(dl.res, 0.99), lat(dl.staff, 0.5), lat(dl.staff, 0.99),
			rtMissed(r.clients, dl.missed), rss})
	}
	b.Table("Creates and status changes with realtime clients (closed loop)",
		[]string{"clients subscribed", "clients", "changes/s", "vs. no clients", "server CPU ms/change", "harness CPU ms/change", "request p50 ms", "request p99 ms",
			"resident delivery p50 ms", "p99 ms", "staff delivery p50 ms", "p99 ms", "missed", "server RSS MiB"},
		table,
		fmt.Sprintf("A change is one of: a resident files a complaint, the desk assigns it, the resident files a repair, the desk dispatches it to a technician; %d workers back to back. "+
			"Baseline (\"vs. no clients\"): the mean of the two runs without clients, %.0f changes/s. Delivery: from the start of the request to the message's arrival at each client that should hear of it "+
			"(the resident; the area managers' complaint boards, the desks' dispatch boards, the supervisors' and director's dashboards, the technician's queue); under a saturating closed loop it includes the queueing. "+
			"CPU per change: the server's user+system time over the phase (warm-up included) divided by the changes made, and the same for this harness, whose 1,100 simulated pages share the 2 cores — "+
			"on a shared machine the steadier figure; the server's ratio %s is what the throughput ratio would be on a quiet machine if the server were CPU-bound. "+
			"\"Pages re-reading\": each message on a narrow topic also makes its page fetch what changed, as the pages do (pb_public/js/core/realtime.js useCoalesce, usePlaceChanged): "+
			"the screen showing that collection re-reads at most once per window (a resident's lists and the bell 1 s, the staff boards 2 s, the dashboard's figures 5 s; "+
			"after a quiet spell at once, 150 ms after the first message), gathering the messages meanwhile — "+
			"the resident's home and the area managers' lists the changed records in one request per collection (ids in the filter, narrowed to what the screen shows — "+
			"an area manager's list the complaints they handle — with the screen's expansions but the buildings, which a page reads once each and keeps), "+
			"the desk's dispatch board the changed orders' cards through its own route (GET /api/wuye/work-orders/board?community=…&ids=…, 100 at a time: the open orders the desk may list, labels included), "+
			"the bell its unread notifications and their count, "+
			"the supervisors' and director's dashboard its four statistics requests; %d requests in all (by screen below). "+
			"Before, each message was a re-read of its own: the home's three lists, the bell's list, the record on a board, the dashboard's four requests 0.6 s after a lull.",
			rtWorkers, baseline, cpuRatio, w.rereadsDone.Load()))
	var readRows [][]string
	for _, screen := range rtScreens {
		st := w.readStats[screen]
		if st.refreshes == 0 {
			continue
		}
		cpu, share := "–", "–"
		if v, ok := readCPU[screen]; ok {
			cpu = fmt.Sprintf("%.2f", v)
			share = fmt.Sprintf("%.0f", v*float64(len(st.lat))/rereadSecs)
		}
		readRows = append(readRows, []string{string(screen), fmt.Sprint(st.messages), fmt.Sprint(st.refreshes), fmt.Sprint(len(st.lat)),
			fmt.Sprintf("%.1f", float64(len(st.lat))/rereadSecs), lat(st.lat, 0.5), lat(st.lat, 0.99), cpu, share})
	}
	b.Table("The pages' re-reads, by screen (\"pages re-reading\" phase)",
		[]string{"screen", "messages", "re-reads (windows)", "requests", "requests/s", "p50 ms", "p99 ms", "server CPU ms/request", "server CPU ms/s"},
		readRows,
		fmt.Sprintf("Requests/s over the phase and its tail (%.1f s; %.0f changes/s). Server CPU per request: a sample of the screen's own requests replayed one after another (%d) on the idle server after the phase; "+
			"CPU ms/s = requests/s × that, the share of the server's 2,000 CPU ms/s the screen took. "+
			"Messages that needed no request are not counted: %d new notifications put in place by the bell or the home's \"your turn\" from the message itself (core/notes.js), "+
			"%d new requests put in place by the home from the message's card and %d steps of a request it lists from the message's status (portal/home.js).",
			rereadSecs, rereadR.PerSec(), cpuRepeat, w.notesPlaced.Load(), w.cardsPlaced.Load(), w.stepsPlaced.Load()))
	b.Table(fmt.Sprintf("Delivery at a fixed rate, narrow topics, %d clients", len(w.clients)),
		[]string{"rate (changes/s)", "changes", "failed", "resident deliveries", "p50 ms", "p99 ms", "staff deliveries", "p50 ms", "p99 ms", "missed", "sent to a client that may not read it"},
		[][]string{{fmt.Sprintf("%.0f", 4*rtCycleRate), fmt.Sprint(4 * open.Count), fmt.Sprint(open.Errors),
			fmt.Sprint(len(openDel.res)), lat(openDel.res, 0.5), lat(openDel.res, 0.99),
			fmt.Sprint(len(openDel.staff)), lat(openDel.staff, 0.5), lat(openDel.staff, 0.99),
			fmt.Sprint(openDel.missed), fmt.Sprint(openDel.wrong + pagesClosed.wrong + wrongByAPI)}},
		fmt.Sprintf("Wrong recipients: resident clients sent another resident's complaint or order (checked by id), plus %d messages of other kinds and to staff each re-read "+
			"with the receiving client's own token (a 404 counts as wrong).", verified))
	b.Table("The re-reads' cost at a fixed rate (server CPU per change)",
		[]string{"rate (changes/s)", "narrow topics, ms/change", "pages re-reading, ms/change", "the re-reads, ms/change", "re-read requests", "failed"},
		[][]string{{fmt.Sprintf("%.0f", 4*rtCycleRate), fmt.Sprintf("%.1f", openCPU), fmt.Sprintf("%.1f", openReCPU), fmt.Sprintf("%.1f", openReCPU-openCPU),
			fmt.Sprint(openReReads), fmt.Sprint(open.Errors + openRe.Errors)}},
		"The same changes a second twice in a row, the second time with every page re-reading as it does; the server's user+system CPU over each phase divided by the changes made. "+
			"The difference is what the re-reads cost per change, the figure the closed-loop ratio depends on, without the closed loop's dependence on what else the machine runs.")
	memRows := [][]string{
		{"no clients", fmt.Sprintf("%.0f", float64(rssIdle)/1024)},
		{fmt.Sprintf("%d clients, narrow topics, connected", len(w.clients)), fmt.Sprintf("%.0f", float64(rssPages)/1024)},
		{"… after the load", fmt.Sprintf("%.0f", float64(rssPagesAfter)/1024)},
		{"… peak while connected (sampled every 200 ms)", fmt.Sprintf("%.0f", float64(peak.max.Load())/1024)},
	}
	if rssLegacy > 0 {
		memRows = append(memRows, []string{fmt.Sprintf("%d clients, collection topics, connected", len(w.clients)), fmt.Sprintf("%.0f", float64(rssLegacy)/1024)})
	}
	b.Table("Server memory (VmRSS)", []string{"state", "MiB"}, memRows)

	b.Metric("baseline_changes_per_s", baseline)
	b.Metric("pages_changes_per_s", pagesR.PerSec())
	b.Metric("pages_ratio", pagesR.PerSec()/baseline)
	if legacyR != nil {
		b.Metric("legacy_changes_per_s", legacyR.PerSec())
		b.Metric("legacy_ratio", legacyR.PerSec()/baseline)
		b.Metric("legacy_missed", legacyDel.missed)
	}
	b.Metric("open_resident_delivery_p99_ms", rtMS(rtQuantile(openDel.res, 0.99)))
	b.Metric("open_staff_delivery_p99_ms", rtMS(rtQuantile(openDel.staff, 0.99)))
	b.Metric("open_missed", openDel.missed)
	b.Metric("wrong_recipient", openDel.wrong+pagesClosed.wrong+wrongByAPI)
	b.Metric("rss_clients_peak_mib", float64(peak.max.Load())/1024)
	b.Metric("rss_idle_mib", float64(rssIdle)/1024)

	if n := openDel.wrong + pagesClosed.wrong + wrongByAPI; n > 0 {
		errs = append(errs, fmt.Errorf("%d messages went to a client that may not read the record", n))
	}
	if openDel.missed+pagesClosed.missed > 0 {
		errs = append(errs, fmt.Errorf("%d deliveries missed with narrow topics", openDel.missed+pagesClosed.missed))
	}
	if len(openDel.res) == 0 || len(openDel.staff) == 0 {
		errs = append(errs, errors.New("no delivery was measured"))
	}
	return errors.Join(errs...)
}

// selfCPUSeconds is this process's user+system CPU time.
func selfCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func rtMissed(clients, n int) string {
	if clients == 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

func rtQuantile(l []time.Duration, q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// rtRSSPeak samples a server's RSS.
type rtRSSPeak struct{ max atomic.Int64 }

func (p *rtRSSPeak) watch(s *Server) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if v := s.RSSKB(); v > p.max.Load() {
				p.max.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done) }
}

// pickClients chooses the 1,000 residents and 100 staff and the topics'
// ingredients (technicians' trades).
func (w *rtWorld) pickClients(d *Dataset) error {
	n := min(rtResidents, len(d.Residents))
	for i := range n {
		w.residents = append(w.residents, len(w.clients))
		w.clients = append(w.clients, &rtClient{idx: len(w.clients), kind: "resident", person: d.Residents[i]})
	}
	var techs, office []Person
	for _, p := range d.Staff {
		if p.Role == "technician" {
			techs = append(techs, p)
		} else {
			office = append(office, p)
		}
	}
	staff := append(office, techs...)[:min(rtStaff, len(office)+len(techs))]
	// Technicians' trades, for their pool topics, as the field app reads them.
	var skills struct {
		Items []struct {
			ID     string   `json:"id"`
			Skills []string `json:"skills"`
		} `json:"items"`
	}
	dir := d.DemoAccount("director@example.com")
	q := url.Values{"perPage": {"500"}, "fields": {"id,skills"}, "skipTotal": {"1"}, "filter": {`role = "technician"`}}
	if err := w.b.Call(context.Background(), "GET", w.base+"/api/collections/staff/records?"+q.Encode(), dir.Token, nil, &skills); err != nil {
		return fmt.Errorf("technicians' trades: %w", err)
	}
	trades := map[string][]string{}
	for _, s := range skills.Items {
		trades[s.ID] = s.Skills
	}
	for _, p := range staff {
		c := &rtClient{idx: len(w.clients), kind: p.Role, person: p, skills: trades[p.ID]}
		w.byRole[p.Role] = append(w.byRole[p.Role], c.idx)
		w.clients = append(w.clients, c)
		switch p.Role {
		case "front_desk":
			w.desks = append(w.desks, p)
		case "area_manager":
			w.handlers = append(w.handlers, p)
		case "technician":
			w.techs = append(w.techs, c.idx)
		}
	}
	if len(w.residents) == 0 || len(w.desks) == 0 || len(w.handlers) == 0 || len(w.techs) == 0 {
		return errors.New("the dataset lacks residents, desks, area managers or technicians for the realtime section")
	}
	return nil
}

// rtTopic is a collection topic with options, as the JS SDK's
// pb.collection(c).subscribe(topic, cb, {filter, expand}) sends it.
func rtTopic(name string, query map[string]string) string {
	raw, _ := json.Marshal(map[string]any{"query": query})
	return name + "?options=" + url.QueryEscape(string(raw))
}

// topicsFor is what client c's open page subscribes to in mode m: a
// resident's portal home (with the bell), a technician's field app, the
// desk's dispatch board, an area manager's complaints board, the
// supervisors' and director's dashboard, the engineers' and security's
// renovation desk, a cashier's billing screen — each with the bell.
func (w *rtWorld) topicsFor(c *rtClient, m rtMode) []string {
	community := map[string]string{"filter": fmt.Sprintf("community = %q", w.community)}
	ofRenovation := map[string]string{"filter": fmt.Sprintf("renovation.community = %q", w.community)}
	var t []string
	if c.kind == "resident" {
		if m == rtPages {
			return []string{"resident/" + c.person.ID}
		}
		// The bell on the resident's own topic: notifications/* is refused
		// since notifications are written without a save (session 15).
		return []string{"complaints/*", "work_orders/*", "renovations/*",
			rtTopic("bills/*", map[string]string{"filter": fmt.Sprintf("unit = %q", c.person.Unit)}), "resident/" + c.person.ID}
	}
	ct := func(col string) string { return "community/" + w.community + "/" + col }
	switch c.kind {
	case "technician":
		t = append(t, "queue/"+c.person.ID)
		for _, s := range c.skills {
			t = append(t, "pool/"+w.community+"/"+s)
		}
	case "front_desk":
		if m == rtPages {
			t = append(t, ct("work_orders"))
		} else {
			t = append(t, rtTopic("work_orders/*", map[string]string{"filter": community["filter"], "expand": "unit.building,building,service_item"}))
		}
	case "area_manager":
		if m == rtPages {
			t = append(t, ct("complaints"))
		} else {
			t = append(t, rtTopic("complaints/*", map[string]string{"filter": community["filter"], "expand": "unit.building,building,handler"}))
		}
	case "supervisor", "director":
		if m == rtPages {
			t = append(t, ct("complaints"), ct("work_orders"))
		} else {
			t = append(t, rtTopic("complaints/*", community), rtTopic("work_orders/*", community))
		}
	case "engineer", "security":
		t = append(t, rtTopic("renovations/*", community), rtTopic("hot_work_permits/*", ofRenovation),
			rtTopic("renovation_inspections/*", ofRenovation), rtTopic("renovation_passes/*", ofRenovation))
	case "cashier":
		t = append(t, rtTopic("billing_runs/*", community))
	}
	// The bell, in both modes on the staff member's own topic (as for a
	// resident above).
	return append(t, "employee/"+c.person.ID)
}

// watchers are the staff clients whose open page shows a change of col
// (their board or dashboard), whatever the mode.
func (w *rtWorld) watchers(col string) []int {
	out := slices.Clone(w.byRole["supervisor"])
	out = append(out, w.byRole["director"]...)
	if col == "complaints" {
		out = append(out, w.byRole["area_manager"]...)
	} else {
		out = append(out, w.byRole["front_desk"]...)
	}
	return out
}

// rtConn is the set of open streams.
type rtConn struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (c *rtConn) close() {
	c.cancel()
	c.wg.Wait()
}

// connect opens every client's stream and subscribes it in mode m; it
// returns once all are subscribed.
func (w *rtWorld) connect(m rtMode) (*rtConn, error) {
	ctx, cancel := context.WithCancel(context.Background())
	conn := &rtConn{cancel: cancel}
	t := time.Now()
	var ready, failed atomic.Int64
	var errMu sync.Mutex
	var firstErr error
	keepErr := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
	}
	sem := make(chan struct{}, 64) // connects in progress
	var all sync.WaitGroup
	for _, c := range w.clients {
		topics := w.topicsFor(c, m)
		subscribed := make(chan error, 2) // the subscription's answer, or the stream's end
		conn.wg.Add(1)
		go func() {
			defer conn.wg.Done()
			err := w.listen(ctx, c, topics, subscribed)
			if err != nil && ctx.Err() == nil {
				keepErr(err)
				subscribed <- err
			}
		}()
		sem <- struct{}{}
		all.Add(1)
		go func() {
			defer all.Done()
			defer func() { <-sem }()
			select {
			case err := <-subscribed:
				if err != nil {
					failed.Add(1)
					keepErr(err)
				} else {
					ready.Add(1)
				}
			case <-time.After(60 * time.Second):
				failed.Add(1)
			}
		}()
	}
	all.Wait()
	if n := failed.Load(); n > 0 {
		conn.close()
		errMu.Lock()
		defer errMu.Unlock()
		return nil, fmt.Errorf("%s: %d of %d clients did not subscribe (%v)", m, n, len(w.clients), firstErr)
	}
	w.b.Logf("%d clients connected and subscribed (%s topics) in %.1f s", ready.Load(), m, time.Since(t).Seconds())
	return conn, nil
}

// listen holds client c's stream open until ctx ends: PB_CONNECT, the
// subscription (as the SDK sends it), then every message to the hub.
func (w *rtWorld) listen(ctx context.Context, c *rtClient, topics []string, subscribed chan<- error) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", w.base+"/api/realtime", nil)
	res, err := w.stream.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/realtime: %s", res.Status)
	}
	br := bufio.NewReaderSize(res.Body, 16<<10)
	var event string
	var data []byte
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("stream of %s ended: %w", c.person.Email, err)
		}
		line = rtTrimEOL(line)
		switch {
		case len(line) == 0:
			if event != "" {
				at := time.Now()
				if event == "PB_CONNECT" {
					var hello struct {
						ClientID string `json:"clientId"`
					}
					json.Unmarshal(data, &hello)
					go func() {
						body := map[string]any{"clientId": hello.ClientID, "subscriptions": topics}
						subscribed <- w.b.Call(ctx, "POST", w.base+"/api/realtime", c.person.Token, body, nil)
					}()
				} else {
					w.deliver(c, data, at)
				}
			}
			event, data = "", data[:0]
		case strings.HasPrefix(string(line), "event:"):
			event = strings.TrimSpace(string(line[len("event:"):]))
		case strings.HasPrefix(string(line), "data:"):
			data = append(data, strings.TrimPrefix(string(line[len("data:"):]), " ")...)
		}
	}
}

func rtTrimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// deliver reads a message: {collection, id, action} on the narrow topics,
// {action, record} on collection and queue topics.
func (w *rtWorld) deliver(c *rtClient, data []byte, at time.Time) {
	var m struct {
		Collection string `json:"collection"`
		ID         string `json:"id"`
		Action     string `json:"action"`
		Note       *struct {
			ID   string `json:"id"`
			Kind string `json:"kind"`
			Read bool   `json:"read"`
		} `json:"note"` // a new notification, whole (hooks/base_realtime_notes.go)
		Step *struct {
			Status string `json:"status"`
		} `json:"step"` // a step of a resident's request: its status and time
		Card *struct {
			Unit string `json:"unit"`
		} `json:"card"` // a resident's new request as their home lists it
		Record struct {
			ID             string `json:"id"`
			CollectionName string `json:"collectionName"`
		} `json:"record"`
	}
	if json.Unmarshal(data, &m) != nil {
		return
	}
	if m.ID == "" {
		m.ID, m.Collection = m.Record.ID, m.Record.CollectionName
	}
	w.hub.arrived(c, m.Collection, m.ID, at)
	if w.rereads.Load() && m.Record.ID == "" {
		for _, screen := range screensOf(c, m.Collection) {
			// core/notes.js useUnreadNotes: a new notification that its
			// message carries is put in place without a request (and is no
			// change at all to a list of other kinds); anything else is
			// gathered for a re-read.
			if (screen == rtBell || screen == rtTodo) && m.Action == "create" && m.Note != nil && m.Note.ID == m.ID && !m.Note.Read {
				w.notesPlaced.Add(1)
				continue
			}
			// portal/home.js OpenRequests: a new request of the home's unit
			// and a step of a request the list shows are put in place from
			// the message.
			if screen == rtHome && m.Action == "create" && m.Card != nil {
				if m.Card.Unit == c.person.Unit {
					w.pages[c.idx].list(m.Collection, m.ID)
				}
				w.cardsPlaced.Add(1)
				continue
			}
			if screen == rtHome && m.Action == "update" && m.Step != nil && w.pages[c.idx].listed(m.Collection, m.ID) {
				w.stepsPlaced.Add(1)
				continue
			}
			w.reread(c, screen, m.Collection, m.ID)
		}
	}
}

// The pages' re-reads (pb_public/js/core/realtime.js useCoalesce, usePlaceChanged
// and fetchChanged), simulated screen by screen: a screen re-reads at most
// once per window — a message after a quiet spell arms a re-read after
// rtGather, one arriving sooner than a window after the last re-read waits
// for the window's end, and those arriving meanwhile join it — a list or
// board the records the messages were about, in one request per
// collection; the bell its unread notifications; a dashboard its figures.
const (
	rtGather        = 150 * time.Millisecond // GATHER
	rtListWindow    = time.Second            // LIST_WINDOW: a resident's lists, the bell
	rtBoardWindow   = 2 * time.Second        // BOARD_WINDOW: the staff boards
	rtFiguresWindow = 5 * time.Second        // FIGURES_WINDOW: the supervisors' and director's dashboard
	rtFetchChunk    = 100                    // ids per request, as fetchChanged
)

// rtScreen is one screen of an open page that re-reads.
type rtScreen string

const (
	rtBell      rtScreen = "bell: unread notifications"                                  // core/bell.js
	rtTodo      rtScreen = "resident's home: your turn (unread notifications to act on)" // portal/home.js YourTurn
	rtHome      rtScreen = "resident's home: the changed requests"                       // portal/home.js OpenRequests
	rtBills     rtScreen = "resident's home: bills due"                                  // portal/home.js BillsDue
	rtDispatch  rtScreen = "desk's dispatch board: the changed orders"                   // staff/desk/dispatch.js DispatchBoard
	rtMine      rtScreen = "area manager's complaints: the changed complaints"           // staff/complaints.js MyComplaints
	rtDashboard rtScreen = "dashboard: figures, complaints, work orders, trends (6 m.)"  // staff/dashboard.js Dashboard
)

var rtScreens = []rtScreen{rtBell, rtTodo, rtHome, rtBills, rtDispatch, rtMine, rtDashboard}

// rtPage is a client's screens waiting for their window to end: screen →
// the messages (collection/id) gathered, in order of arrival.
type rtPage struct {
	mu        sync.Mutex
	pending   map[rtScreen][][2]string
	last      map[rtScreen]time.Time // each screen's last re-read
	buildings map[string]bool        // the buildings the page has read (core/realtime.js withCached)
	home      map[string]bool        // collection/id of the requests the home lists (read by a re-read)
}

// list puts col/id on the page's home.
func (p *rtPage) list(col, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.home[col+"/"+id] = true
}

// listed reports whether the page's home lists col/id.
func (p *rtPage) listed(col, id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.home[col+"/"+id]
}

// rtReadStats counts one screen's re-reads over the phase.
type rtReadStats struct {
	mu        sync.Mutex
	refreshes int             // windows that ended in a re-read
	messages  int             // messages those windows gathered
	lat       []time.Duration // each request's latency
	sample    []string        // 64 of its requests, "token URL", for the CPU measure
}

// screensOf are the screens of client c's page that a message about col
// makes re-read (a screen ignores the collections it does not show): a
// notification the bell, and on a resident's home also the list of what
// waits for them.
func screensOf(c *rtClient, col string) []rtScreen {
	if col == "notifications" && c.kind == "resident" {
		return []rtScreen{rtBell, rtTodo}
	}
	if s := screenOf(c, col); s != "" {
		return []rtScreen{s}
	}
	return nil
}

// screenOf is the one screen of client c's page that shows col, "" if none.
func screenOf(c *rtClient, col string) rtScreen {
	switch {
	case col == "notifications":
		return rtBell
	case c.kind == "resident" && (col == "complaints" || col == "work_orders" || col == "renovations"):
		return rtHome
	case c.kind == "resident" && col == "bills":
		return rtBills
	case c.kind == "front_desk" && col == "work_orders":
		return rtDispatch
	case c.kind == "area_manager" && col == "complaints":
		return rtMine
	case (c.kind == "supervisor" || c.kind == "director") && (col == "complaints" || col == "work_orders"):
		return rtDashboard
	}
	return ""
}

// reread is what the open page does with a message on its narrow topic (a
// message on a collection or queue topic carries the record): the screen
// that shows col gathers it, and re-reads when its window ends.
func (w *rtWorld) reread(c *rtClient, screen rtScreen, col, id string) {
	window := rtListWindow
	switch screen {
	case rtDispatch, rtMine:
		window = rtBoardWindow
	case rtDashboard:
		window = rtFiguresWindow
	}
	p := w.pages[c.idx]
	p.mu.Lock()
	defer p.mu.Unlock()
	q, armed := p.pending[screen]
	p.pending[screen] = append(q, [2]string{col, id})
	if armed {
		return
	}
	w.rereading.Add(1)
	time.AfterFunc(max(rtGather, time.Until(p.last[screen].Add(window))), func() {
		defer w.rereading.Done()
		p.mu.Lock()
		msgs := p.pending[screen]
		delete(p.pending, screen)
		p.last[screen] = time.Now()
		p.mu.Unlock()
		w.refresh(c, screen, msgs)
	})
}

// refresh is one screen's re-read after its window, with the page's own
// token and the page's own query.
func (w *rtWorld) refresh(c *rtClient, screen rtScreen, msgs [][2]string) {
	me := c.person.ID
	list := func(col, filter, sort, expand, fields string, perPage int, skipTotal bool) string {
		q := url.Values{"page": {"1"}, "perPage": {fmt.Sprint(perPage)}, "filter": {filter}}
		if sort != "" {
			q.Set("sort", sort)
		}
		if expand != "" {
			q.Set("expand", expand)
		}
		if fields != "" {
			q.Set("fields", fields)
		}
		if skipTotal {
			q.Set("skipTotal", "1")
		}
		return "/api/collections/" + col + "/records?" + q.Encode()
	}
	// changed is fetchChanged: the records of col the messages were about,
	// deduplicated, one request per 100, narrowed by where to what the
	// screen shows. The buildings (of the records and of their units) come
	// from the page's cache, as would a work order's service item (the
	// bench's orders have none): one read of each per page.
	chunks := func(col string) [][]string {
		var ids []string
		seen := map[string]bool{}
		for _, m := range msgs {
			if m[0] == col && !seen[m[1]] {
				seen[m[1]] = true
				ids = append(ids, m[1])
			}
		}
		var out [][]string
		for len(ids) > 0 {
			chunk := ids[:min(rtFetchChunk, len(ids))]
			ids = ids[len(chunk):]
			out = append(out, chunk)
		}
		return out
	}
	changed := func(col, expand, where string) []string {
		var urls []string
		for _, chunk := range chunks(col) {
			var f []string
			for _, id := range chunk {
				f = append(f, fmt.Sprintf("id = %q", id))
			}
			filter := strings.Join(f, " || ")
			if where != "" {
				filter = "(" + filter + ") && (" + where + ")"
			}
			urls = append(urls, list(col, filter, "", expand, "", len(chunk), true))
		}
		return urls
	}
	var urls []string
	switch screen {
	case rtBell:
		field := "recipient_staff"
		if c.kind == "resident" {
			field = "recipient_resident"
		}
		// core/bell.js BELL_FIELDS: only what the bell shows.
		urls = append(urls, list("notifications", fmt.Sprintf("%s = %q && read = false", field, me), "-created", "", "id,title,body,created,subject_collection,subject_id", 20, false))
	case rtTodo:
		urls = append(urls, list("notifications", fmt.Sprintf(`recipient_resident = %q && read = false && (kind = "quote_to_confirm" || kind = "order_completed" || kind = "complaint_replied")`, me),
			"-created", "", "", 20, true))
	case rtHome:
		urls = append(urls, changed("complaints", "", "")...)
		urls = append(urls, changed("work_orders", "", "")...)
		urls = append(urls, changed("renovations", "", "")...)
	case rtBills:
		urls = append(urls, list("bills", fmt.Sprintf("unit = %q && (status = \"issued\" || status = \"partially_paid\")", c.person.Unit),
			"", "", "id,amount_fen,discount_fen,late_fee_fen,paid_fen", 1000, true))
	case rtDispatch:
		// fetchChangedFrom: the board's own route, the changed orders' ids
		// 100 at a time (hooks/dispatch_board.go).
		for _, chunk := range chunks("work_orders") {
			urls = append(urls, "/api/wuye/work-orders/board?"+url.Values{"community": {w.community}, "ids": {strings.Join(chunk, ",")}}.Encode())
		}
	case rtMine:
		urls = append(urls, changed("complaints", "unit,handler",
			fmt.Sprintf(`community = %q && handler = %q && status != "closed" && status != "invalid"`, w.community, me))...)
	case rtDashboard:
		month := time.Now().In(workcal.Shanghai).Format("2006-01")
		q := url.Values{"community": {w.community}, "month": {month}}.Encode()
		urls = append(urls, "/api/stats/dashboard?"+q, "/api/stats/complaints?"+q, "/api/stats/work-orders?"+q,
			"/api/stats/trends?"+url.Values{"community": {w.community}, "months": {"6"}, "month": {month}}.Encode())
	}
	st := w.readStats[screen]
	st.mu.Lock()
	st.refreshes++
	st.messages += len(msgs)
	st.mu.Unlock()
	// The page's requests of one refresh go out together (Promise.all).
	// (The dispatch board's cards carry their labels: no buildings to read.)
	boards := screen == rtMine
	get := func(u string, out any) {
		t := time.Now()
		err := w.b.Call(context.Background(), "GET", w.base+u, c.person.Token, nil, out)
		lat := time.Since(t)
		if err != nil {
			if w.rereadErrs.Add(1) <= 3 {
				w.b.Logf("re-read failed: %s: %v", u, err)
			}
		}
		w.rereadsDone.Add(1)
		st.mu.Lock()
		st.lat = append(st.lat, lat)
		// A uniform sample of the screen's requests (reservoir sampling).
		if len(st.sample) < 64 {
			st.sample = append(st.sample, c.person.Token+" "+u)
		} else if i := rand.IntN(len(st.lat)); i < len(st.sample) {
			st.sample[i] = c.person.Token + " " + u
		}
		st.mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if screen == rtHome {
				// The requests read are now listed (open ones: the bench's
				// never close in the phase).
				var page struct {
					Items []struct {
						ID             string `json:"id"`
						CollectionName string `json:"collectionName"`
					} `json:"items"`
				}
				get(u, &page)
				p := w.pages[c.idx]
				p.mu.Lock()
				for _, it := range page.Items {
					p.home[it.CollectionName+"/"+it.ID] = true
				}
				p.mu.Unlock()
				return
			}
			if !boards {
				get(u, nil)
				return
			}
			// A board's buildings (the records' and their units') come from
			// the page's cache: one read of each the first time it is seen.
			var page struct {
				Items []struct {
					Building string `json:"building"`
					Expand   struct {
						Unit struct {
							Building string `json:"building"`
						} `json:"unit"`
					} `json:"expand"`
				} `json:"items"`
			}
			get(u, &page)
			var fetch []string
			p := w.pages[c.idx]
			p.mu.Lock()
			for _, it := range page.Items {
				for _, b := range []string{it.Building, it.Expand.Unit.Building} {
					if b != "" && !p.buildings[b] {
						p.buildings[b] = true
						fetch = append(fetch, b)
					}
				}
			}
			p.mu.Unlock()
			for _, b := range fetch {
				get("/api/collections/buildings/records/"+b, nil)
			}
		}()
	}
	wg.Wait()
}

// readCPU is the server's CPU time per request of each screen's re-reads,
// measured after the phase by replaying a sample of them one after another
// on the otherwise idle server.
func (w *rtWorld) readCPU(srv *Server, n int) map[rtScreen]float64 {
	out := map[rtScreen]float64{}
	for _, screen := range rtScreens {
		st := w.readStats[screen]
		if len(st.sample) == 0 {
			continue
		}
		cpu0 := srv.CPUSeconds()
		r := w.b.Repeat(n, func(ctx context.Context, _, i int) error {
			tok, u, _ := strings.Cut(st.sample[i%len(st.sample)], " ")
			return w.b.Call(ctx, "GET", w.base+u, tok, nil, nil)
		})
		if r.Errors == 0 {
			out[screen] = (srv.CPUSeconds() - cpu0) * 1000 / float64(n)
		}
	}
	return out
}

// verify re-reads, with each receiving client's own token, the records of
// the messages that the hub could not judge by id: a 404 means the client
// was sent a record it may not read.
func (w *rtWorld) verify() (checked, wrong int, err error) {
	w.hub.mu.Lock()
	list := make([][3]string, 0, len(w.hub.toVerify))
	for k := range w.hub.toVerify {
		list = append(list, k)
	}
	w.hub.toVerify = map[[3]string]bool{}
	w.hub.mu.Unlock()
	ctx := context.Background()
	for _, k := range list {
		var idx int
		fmt.Sscan(k[0], &idx)
		c := w.clients[idx]
		if k[1] == "" || k[2] == "" {
			continue
		}
		e := w.b.Call(ctx, "GET", w.base+"/api/collections/"+k[1]+"/records/"+k[2]+"?fields=id", c.person.Token, nil, nil)
		checked++
		if e != nil {
			if strings.Contains(e.Error(), ": 404 ") {
				wrong++
				if wrong <= 3 {
					w.b.Logf("wrong recipient: %s %s sent to %s (%s)", k[1], k[2], c.person.Email, c.kind)
				}
			} else if err == nil {
				err = e
			}
		}
	}
	return checked, wrong, err
}

// ---------------------------------------------------------------------
// The changes

var (
	rtCategories = []string{"security", "cleaning", "greening", "engineering", "mail", "other"}
	rtTrades     = []string{"electrical", "plumbing", "carpentry", "appliance", "locksmith"}
)

// rtCycleState is a worker's place in its cycle of four changes.
type rtCycleState struct {
	step      int
	resident  int
	complaint string
	order     string
}

var rtStates sync.Map // worker → *rtCycleState

// closedOp is one change of a worker's cycle.
func (w *rtWorld) closedOp(ctx context.Context, worker, _ int) error {
	v, _ := rtStates.LoadOrStore(worker, &rtCycleState{})
	s := v.(*rtCycleState)
	err := w.step(ctx, s)
	s.step = (s.step + 1) % 4
	if err != nil {
		s.step = 0 // start a fresh cycle
	}
	return err
}

// cycle is the four changes one after another (the open loop's unit).
func (w *rtWorld) cycle(ctx context.Context, _, _ int) error {
	s := &rtCycleState{}
	for s.step = 0; s.step < 4; s.step++ {
		if err := w.step(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// newID is a record id chosen by the bench (PocketBase takes a client's
// 15-character id), so that a message can be matched with its request
// before the response is back.
func (w *rtWorld) newID() string {
	return fmt.Sprintf("rt%s%08d", w.prefix, w.seq.Add(1))
}

func (w *rtWorld) pick(n int) int {
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.IntN(n)
}

// step makes the change s.step of a cycle: 0 a resident files a complaint,
// 1 the desk assigns it to an area manager, 2 the resident files a repair,
// 3 the desk dispatches it to a technician.
func (w *rtWorld) step(ctx context.Context, s *rtCycleState) error {
	i := int(w.rr.Add(1))
	desk := w.desks[i%len(w.desks)]
	var path, token, method string
	var body map[string]any
	var f rtFlow
	switch s.step {
	case 0:
		s.resident = w.residents[w.pick(len(w.residents))]
		s.complaint = w.newID()
		r := w.clients[s.resident].person
		method, path, token = "POST", "/api/collections/complaints/records", r.Token
		body = map[string]any{"id": s.complaint, "unit": r.Unit, "category": rtCategories[i%len(rtCategories)],
			"content": fmt.Sprintf("实时基准 %d：楼道灯不亮", i), "contact_name": "住户", "contact_phone": "13800000000"}
		f = rtFlow{id: s.complaint, collection: "complaints", staff: w.watchers("complaints")}
	case 1:
		method, path, token = "PATCH", "/api/collections/complaints/records/"+s.complaint, desk.Token
		body = map[string]any{"status": "assigned", "handler": w.handlers[i%len(w.handlers)].ID}
		f = rtFlow{id: s.complaint, collection: "complaints", staff: w.watchers("complaints")}
	case 2:
		s.order = w.newID()
		r := w.clients[s.resident].person
		method, path, token = "POST", "/api/collections/work_orders/records", r.Token
		body = map[string]any{"id": s.order, "unit": r.Unit, "category": rtTrades[i%len(rtTrades)],
			"description": fmt.Sprintf("实时基准 %d：水龙头漏水", i)}
		f = rtFlow{id: s.order, collection: "work_orders", staff: w.watchers("work_orders")}
	case 3:
		tech := w.techs[i%len(w.techs)]
		method, path, token = "PATCH", "/api/collections/work_orders/records/"+s.order, desk.Token
		body = map[string]any{"status": "dispatched", "dispatch_mode": "assign", "technician": w.clients[tech].person.ID}
		f = rtFlow{id: s.order, collection: "work_orders", staff: append(w.watchers("work_orders"), tech)}
	}
	f.resident = s.resident
	if s.step == 0 || s.step == 2 {
		w.hub.mu.Lock()
		w.hub.owner[f.id] = w.clients[s.resident].person.ID
		w.hub.mu.Unlock()
	}
	t0 := time.Now()
	w.hub.expect(f, t0)
	w.ops.Add(1)
	return w.b.Call(ctx, method, w.base+path+"?fields=id", token, body, nil)
}

func rtMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
