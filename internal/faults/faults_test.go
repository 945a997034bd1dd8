package faults

import (
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wuye/internal/repo"
	"wuye/lib/clock"
)

// billingPeriod is a period the demo has not billed.
const billingPeriod = "2027-Q1"

// addUnits inserts n handed-over flats into building CH-1 of the stopped
// server's database (one transaction; the API would take far longer), so a
// billing run has many batches to be killed between.
func addUnits(t *testing.T, dir string, n int) {
	t.Helper()
	db := openRW(t, dir)
	defer db.Close()
	community := idOf(t, db, `SELECT id FROM communities WHERE code = 'CH'`)
	building := idOf(t, db, `SELECT id FROM buildings WHERE code = '1' AND community = ?`, community)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO units (id, community, building, number, floor, type, area_m2, status,
		handed_over_on, renovation_registered_on, moved_in_on, created, updated)
		VALUES (?, ?, ?, ?, ?, 'residential', ?, 'occupied', '2025-01-01', '2025-03-01', '2025-06-01', ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	stamp := clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	for i := 0; i < n; i++ {
		if _, err := stmt.Exec(fmt.Sprintf("fz%013d", i), community, building, fmt.Sprintf("F%05d", i), 1+i%30,
			80+float64(i%41)/2, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

type runState struct {
	status                                  string
	total, processed, created, existing, sk int
}

func getRun(s *server, token, id string) (runState, error) {
	r := s.call(token, http.MethodGet, "/api/collections/billing_runs/records/"+id, nil)
	if r.err != nil || r.code != 200 {
		return runState{}, fmt.Errorf("read run: %s", r)
	}
	m := r.json()
	n := func(f string) int { v, _ := m[f].(float64); return int(v) }
	st, _ := m["status"].(string)
	return runState{st, n("total_units"), n("processed_units"), n("created_bills"), n("existing_bills"), n("skipped")}, nil
}

// waitRun polls the run until until(state) holds or the run ends.
func waitRun(t *testing.T, s *server, token, id string, until func(runState) bool) runState {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		st, err := getRun(s, token, id)
		if err != nil {
			t.Fatal(err)
		}
		if until(st) || st.status == "done" || st.status == "failed" {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("billing run did not get there within 90 s")
	return runState{}
}

// billsOf maps "unit/fee item" to the amount of every fee bill of period.
func billsOf(t *testing.T, db *sql.DB, period string) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT unit, fee_item, amount_fen FROM bills WHERE period = ? AND fee_item != ''`, period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var unit, item string
		var amount int
		if err := rows.Scan(&unit, &item, &amount); err != nil {
			t.Fatal(err)
		}
		key := unit + "/" + item
		if _, dup := out[key]; dup {
			t.Errorf("two bills of %s for %s", period, key)
		}
		out[key] = amount
	}
	return out
}

// TestBillingRunKilled kills the server (SIGKILL) three times while a
// billing run of 6,000+ units is under way, each time at a different point
// of the attempt, restarts it, and checks: after every kill the database is
// intact and the run's bills cover whole batches only (a batch is one
// transaction); after the restart the run resumes by itself and finishes
// with exactly the bills an uninterrupted run makes — one per unit and fee
// item, same amounts — its counters agreeing, serials gap-free, and a
// second run of the period creating nothing.
func TestBillingRunKilled(t *testing.T) {
	setup(t)
	const extra, batch = 6000, 200 // batch: hooks.billingBatch
	dir := freshDir(t)
	addUnits(t, dir, extra)
	ref := filepath.Join(t.TempDir(), "ref")
	if err := repo.CopyDir(dir, ref); err != nil {
		t.Fatal(err)
	}
	pre := openDB(t, dir)
	community := idOf(t, pre, `SELECT id FROM communities WHERE code = 'CH'`)
	units := column[string](t, pre, `SELECT id FROM units WHERE community = ? ORDER BY id`, community)
	pre.Close()

	s := mustStart(t, dir)
	cashier := s.login(t, "cashier@example.com")
	created := s.call(cashier, http.MethodPost, "/api/collections/billing_runs/records", map[string]any{"community": community, "period": billingPeriod})
	if created.code != 200 {
		t.Fatalf("start run: %s", created)
	}
	runID := created.str("id")

	type snapshot struct {
		attempt int
		billed  map[string]int // unit → number of bills of the period
		seen    int            // processed_units last read before the kill
	}
	var snaps []snapshot
	interrupted := 0
	for attempt, frac := range []float64{0.05, 0.45, 0.8} {
		goal := int(frac * float64(len(units)))
		// The goals rise from attempt to attempt, so the count a resumed run
		// shows before it resets (the previous attempt's) never meets one.
		st := waitRun(t, s, cashier, runID, func(st runState) bool { return st.status == "running" && st.processed >= goal })
		// Killed at once the batch after the reported one is mid-transaction;
		// a little later it may have committed without its progress saved.
		time.Sleep(time.Duration(attempt) * 40 * time.Millisecond)
		s.Kill()
		if st.status == "done" {
			t.Logf("attempt %d finished before the kill", attempt+1)
		} else {
			interrupted++
		}
		db := openDB(t, dir)
		integrity(t, db, fmt.Sprintf("after kill %d", attempt+1))
		billed := map[string]int{}
		for _, u := range column[string](t, db, `SELECT unit FROM bills WHERE period = ? AND fee_item != ''`, billingPeriod) {
			billed[u]++
		}
		db.Close()
		snaps = append(snaps, snapshot{attempt + 1, billed, st.processed})
		s = mustStart(t, dir)
	}

	final := waitRun(t, s, cashier, runID, func(runState) bool { return false })
	if final.status != "done" {
		t.Fatalf("the resumed run ended %q", final.status)
	}
	// billToEnd bills the period on s as the cashier holding token, waits
	// for the run to end and stops s.
	billToEnd := func(s *server, token, what string) runState {
		r := s.call(token, http.MethodPost, "/api/collections/billing_runs/records", map[string]any{"community": community, "period": billingPeriod})
		if r.code != 200 {
			t.Fatalf("%s: %s", what, r)
		}
		st := waitRun(t, s, token, r.str("id"), func(runState) bool { return false })
		if err := s.stop(); err != nil {
			t.Fatal(err)
		}
		return st
	}
	// Billing the same period again finds every bill there.
	second := billToEnd(s, cashier, "second run")

	// The same run without faults, on a copy of the data as it was.
	rs := mustStart(t, ref)
	refRun := billToEnd(rs, rs.login(t, "cashier@example.com"), "reference run")
	refDB := openDB(t, ref)
	want := billsOf(t, refDB, billingPeriod)

	db := openDB(t, dir)
	integrity(t, db, "after the run")
	got := billsOf(t, db, billingPeriod)
	if len(want) < extra {
		t.Fatalf("the reference run made %d bills for %d new units", len(want), extra)
	}
	missing, wrong := 0, 0
	for k, amount := range want {
		if a, ok := got[k]; !ok {
			missing++
		} else if a != amount {
			wrong++
		}
	}
	if missing > 0 || wrong > 0 || len(got) != len(want) {
		t.Errorf("after the kills: %d bills, %d missing, %d with another amount; an uninterrupted run makes %d", len(got), missing, wrong, len(want))
	}
	if final.total != len(units) || final.processed != len(units) || final.created+final.existing != len(got) ||
		final.created+final.existing+final.sk != refRun.created+refRun.existing+refRun.sk {
		t.Errorf("run counters %+v disagree: %d units, %d bills, reference run %+v", final, len(units), len(got), refRun)
	}
	if second.status != "done" || second.created != 0 || second.existing != len(got) {
		t.Errorf("billing the period again: %+v, want nothing created and %d existing", second, len(got))
	}
	if n := one[int](t, db, `SELECT COUNT(*) FROM (SELECT 1 FROM bills WHERE fee_item != '' GROUP BY unit, fee_item, period HAVING COUNT(*) > 1)`); n != 0 {
		t.Errorf("%d duplicate bills", n)
	}
	serialsGapFree(t, db, "bills", "ZD")
	if n := one[int](t, db, `SELECT COUNT(*) FROM events WHERE subject_id = ? AND action = 'status' AND "to" = 'done'`, runID); n != 1 {
		t.Errorf("the run's completion recorded %d times", n)
	}

	// After each kill the bills are whole batches: the billed units are
	// exactly the billable units among the first k×200 in the run's order.
	billable := map[string]int{}
	for k := range got {
		billable[strings.Split(k, "/")[0]]++
	}
	for _, sn := range snaps {
		last := -1
		for i, u := range units {
			if sn.billed[u] > 0 {
				last = i
			}
		}
		boundary := int(math.Ceil(float64(last+1)/batch)) * batch
		for i, u := range units {
			want := 0
			if i < boundary {
				want = billable[u]
			}
			if sn.billed[u] != want {
				t.Errorf("kill %d: unit %d of %d has %d bills, want %d (batches through unit %d)", sn.attempt, i, len(units), sn.billed[u], want, boundary)
				break
			}
		}
		t.Logf("kill %d: run had reported %d units processed; %d units billed in whole batches through unit %d", sn.attempt, sn.seen, len(sn.billed), min(boundary, len(units)))
	}
	t.Logf("billing run: %d kills (%d mid-run), %d units, %d bills (reference %d), 0 lost, 0 duplicates; final counters %+v",
		len(snaps), interrupted, len(units), len(got), len(want), final)
}

// ack is a payment the server acknowledged (200).
type ack struct {
	id, serial, note string
	amount           int
}

// TestPaymentBurstKilled takes many small payments at once from three
// staff on several units, kills the server in the middle, restarts it and
// checks: every acknowledged payment is there with its serial and amount,
// no request made two payments, each payment's allocations add up to it,
// each bill's paid amount is exactly what was allocated to it and never
// more than it owes, every payment has its event, serials are gap-free
// (also for payments after the restart) and the database is intact.
func TestPaymentBurstKilled(t *testing.T) {
	setup(t)
	dir := freshDir(t)
	pre := openDB(t, dir)
	units := column[string](t, pre, `SELECT unit FROM bills WHERE status IN ('issued','partially_paid')
		GROUP BY unit HAVING SUM(amount_fen - discount_fen + late_fee_fen - paid_fen) > 60000 ORDER BY unit LIMIT 6`)
	pre.Close()
	if len(units) < 4 {
		t.Fatalf("only %d demo units owe enough for the burst", len(units))
	}
	s := mustStart(t, dir)
	tokens := []string{s.login(t, "cashier@example.com"), s.login(t, "supervisor@example.com"), s.login(t, "director@example.com")}

	var (
		mu       sync.Mutex
		acked    []ack
		refused  []string
		failed   atomic.Int64 // no answer (cut by the kill)
		stopping atomic.Bool
		wg       sync.WaitGroup
	)
	const workers, killAfter = 12, 150
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; !stopping.Load() && i < 200; i++ {
				amount := 100 + (w*7+i)%50
				note := fmt.Sprintf("burst-%d-%d", w, i)
				r := s.call(tokens[w%len(tokens)], http.MethodPost, "/api/collections/payments/records", map[string]any{
					"unit": units[(w+i)%len(units)], "amount_fen": amount, "method": "cash", "note": note})
				switch {
				case r.err != nil:
					if !stopping.Load() {
						mu.Lock()
						refused = append(refused, "no answer before the kill: "+r.String())
						mu.Unlock()
						return
					}
					failed.Add(1) // cut by the kill
					return
				case r.code == 200:
					mu.Lock()
					acked = append(acked, ack{r.str("id"), r.str("serial"), note, amount})
					if len(acked) == killAfter {
						stopping.Store(true)
						s.Kill()
					}
					mu.Unlock()
				default:
					mu.Lock()
					refused = append(refused, r.String())
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	if !stopping.Load() {
		t.Fatalf("the burst ended before the kill: %d acknowledged, refused: %v", len(acked), refused)
	}
	if len(refused) > 0 {
		t.Errorf("%d payments refused during the burst, e.g. %s", len(refused), refused[0])
	}

	db := openDB(t, dir)
	integrity(t, db, "after the kill")
	checkPayments(t, db, acked)
	inDB := one[int](t, db, `SELECT COUNT(*) FROM payments WHERE note LIKE 'burst-%'`)
	ackedBurst := len(acked)
	db.Close()

	// After the restart the counter goes on from where the data is.
	s = mustStart(t, dir)
	for i := 0; i < 3; i++ {
		note := fmt.Sprintf("after-%d", i)
		r := s.call(tokens[0], http.MethodPost, "/api/collections/payments/records", map[string]any{
			"unit": units[i], "amount_fen": 101, "method": "card", "note": note})
		if r.code != 200 {
			t.Fatalf("payment after restart: %s", r)
		}
		acked = append(acked, ack{r.str("id"), r.str("serial"), note, 101})
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir)
	integrity(t, db, "after the restart")
	checkPayments(t, db, acked)
	t.Logf("payment burst: %d workers; %d acknowledged (kill sent at the %dth), %d requests cut by the kill, %d payments stored (%d committed whose answer the kill cut); 0 lost, 0 duplicated; 3 more after the restart",
		workers, ackedBurst, killAfter, failed.Load(), inDB, inDB-ackedBurst)
}

// checkPayments checks the payment invariants of the whole database and
// that every acknowledged payment is stored as acknowledged.
func checkPayments(t *testing.T, db *sql.DB, acked []ack) {
	t.Helper()
	for _, a := range acked {
		var serial, note string
		var amount int
		err := db.QueryRow(`SELECT serial, note, amount_fen FROM payments WHERE id = ?`, a.id).Scan(&serial, &note, &amount)
		if err != nil {
			t.Errorf("acknowledged payment %s (%s) lost: %v", a.serial, a.note, err)
			continue
		}
		if serial != a.serial || note != a.note || amount != a.amount {
			t.Errorf("payment %s stored as %s %s %d, acknowledged as %s %s %d", a.id, serial, note, amount, a.serial, a.note, a.amount)
		}
	}
	if n := one[int](t, db, `SELECT COUNT(*) FROM (SELECT note FROM payments WHERE note != '' GROUP BY note HAVING COUNT(*) > 1)`); n != 0 {
		t.Errorf("%d requests made more than one payment", n)
	}
	// Allocations: each payment's add up to its amount; each bill's paid
	// amount is the sum of what was allocated to it, within what it owes.
	rows, err := db.Query(`SELECT p.id, p.amount_fen, COALESCE(SUM(json_extract(a.value, '$.amount_fen')), 0), COUNT(a.value)
		FROM payments p LEFT JOIN json_each(CASE WHEN json_valid(p.allocations) THEN p.allocations ELSE '[]' END) a
		GROUP BY p.id HAVING COALESCE(SUM(json_extract(a.value, '$.amount_fen')), 0) != p.amount_fen`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var amount, allocated, n int
		_ = rows.Scan(&id, &amount, &allocated, &n)
		t.Errorf("payment %s of %d fen allocates %d fen in %d lines", id, amount, allocated, n)
	}
	rows.Close()
	rows, err = db.Query(`WITH alloc AS (
			SELECT json_extract(a.value, '$.bill') AS bill, SUM(json_extract(a.value, '$.amount_fen')) AS fen
			FROM payments p, json_each(p.allocations) a WHERE json_valid(p.allocations) GROUP BY 1)
		SELECT b.serial, b.amount_fen, b.discount_fen, b.late_fee_fen, b.paid_fen, COALESCE(alloc.fen, 0), b.status
		FROM bills b LEFT JOIN alloc ON alloc.bill = b.id`)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for rows.Next() {
		var serial, status string
		var amount, discount, late, paid, allocated int
		if err := rows.Scan(&serial, &amount, &discount, &late, &paid, &allocated, &status); err != nil {
			t.Fatal(err)
		}
		owed := amount - discount + late
		wantStatus := map[bool]string{true: "paid", false: "partially_paid"}[paid >= owed]
		if paid == 0 && owed > 0 {
			wantStatus = "issued"
		}
		if paid != allocated || paid > owed || paid < 0 || status != wantStatus {
			bad++
			if bad <= 5 {
				t.Errorf("bill %s: owes %d, paid %d, allocated %d, status %s", serial, owed, paid, allocated, status)
			}
		}
	}
	rows.Close()
	if n := one[int](t, db, `SELECT COUNT(*) FROM payments p WHERE (SELECT COUNT(*) FROM events e WHERE e.subject_id = p.id AND e.action IN ('payment','reversal')) != 1`); n != 0 {
		t.Errorf("%d payments without exactly one event", n)
	}
	serialsGapFree(t, db, "payments", "SK")
}

// TestDispatchBurstKilled has the desk take in and dispatch work orders
// from several workers at once, kills the server in the middle, restarts
// it and checks: every acknowledged order is there and every acknowledged
// dispatch stuck (status, mode, technician); every stored order has its
// creation event and every dispatched one exactly one dispatch event and,
// when assigned, the technician's notice — all written in the change's own
// transaction, so none is missing even for changes the kill left
// unacknowledged; serials are gap-free and the database is intact.
func TestDispatchBurstKilled(t *testing.T) {
	setup(t)
	dir := freshDir(t)
	pre := openDB(t, dir)
	community := idOf(t, pre, `SELECT id FROM communities WHERE code = 'CH'`)
	units := column[string](t, pre, `SELECT id FROM units WHERE community = ? AND type = 'residential' ORDER BY id LIMIT 8`, community)
	tech1 := idOf(t, pre, `SELECT id FROM staff WHERE email = 'tech1@example.com'`)
	before := one[int](t, pre, `SELECT COUNT(*) FROM work_orders`)
	pre.Close()

	s := mustStart(t, dir)
	desks := []string{s.login(t, "frontdesk@example.com"), s.login(t, "supervisor@example.com")}
	type dispatched struct{ id, mode string }
	var (
		mu          sync.Mutex
		creates     = map[string]string{} // id → description
		dispatches  []dispatched
		refused     []string
		cut         atomic.Int64
		stopping    atomic.Bool
		wg          sync.WaitGroup
		acks        int
		acksAtKill  int
		killOnce    sync.Once
		ackAndMaybe = func() {
			acks++
			if acks == 160 {
				killOnce.Do(func() {
					stopping.Store(true)
					acksAtKill = acks
					s.Kill()
				})
			}
		}
	)
	// answered sorts a reply: ok when it is 200; else it is noted as
	// refused, or as cut when the kill took it, and more says whether the
	// worker goes on (after a refusal) or stops (no answer).
	answered := func(r reply) (ok, more bool) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.err != nil && !stopping.Load():
			refused = append(refused, "no answer before the kill: "+r.String())
		case r.err != nil:
			cut.Add(1)
		case r.code != 200:
			refused = append(refused, r.String())
			return false, true
		default:
			return true, true
		}
		return false, false
	}
	const workers = 10
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			token := desks[w%len(desks)]
			for i := 0; !stopping.Load() && i < 100; i++ {
				desc := fmt.Sprintf("故障测试 %d-%d", w, i)
				r := s.call(token, http.MethodPost, "/api/collections/work_orders/records", map[string]any{
					"unit": units[(w+i)%len(units)], "category": "plumbing", "description": desc,
					"contact_name": "测试", "contact_phone": "13700000000"})
				if ok, more := answered(r); !ok {
					if !more {
						return
					}
					continue
				}
				id := r.str("id")
				mu.Lock()
				creates[id] = desc
				ackAndMaybe()
				mu.Unlock()
				body := map[string]any{"status": "dispatched", "dispatch_mode": "assign", "technician": tech1}
				mode := "assign"
				if i%2 == 1 {
					body, mode = map[string]any{"status": "dispatched", "dispatch_mode": "pool"}, "pool"
				}
				r = s.call(token, http.MethodPatch, "/api/collections/work_orders/records/"+id, body)
				if ok, more := answered(r); !ok {
					if !more {
						return
					}
					continue
				}
				mu.Lock()
				dispatches = append(dispatches, dispatched{id, mode})
				ackAndMaybe()
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if !stopping.Load() {
		t.Fatalf("the burst ended before the kill: %d acknowledged", acks)
	}
	if len(refused) > 0 {
		t.Errorf("%d requests refused during the burst, e.g. %s", len(refused), refused[0])
	}

	acceptedID := ""
	check := func(when string) (stored, dispatchedN int) {
		db := openDB(t, dir)
		defer db.Close()
		integrity(t, db, when)
		for id, desc := range creates {
			var got string
			if err := db.QueryRow(`SELECT description FROM work_orders WHERE id = ?`, id).Scan(&got); err != nil || got != desc {
				t.Errorf("%s: acknowledged order %s (%s) lost: %v", when, id, desc, err)
			}
		}
		for _, d := range dispatches {
			var status, mode, tech string
			wantStatus := "dispatched"
			if d.id == acceptedID {
				wantStatus = "accepted"
			}
			if err := db.QueryRow(`SELECT status, dispatch_mode, technician FROM work_orders WHERE id = ?`, d.id).Scan(&status, &mode, &tech); err != nil {
				t.Errorf("%s: dispatched order %s lost: %v", when, d.id, err)
				continue
			}
			wantTech := map[string]string{"assign": tech1, "pool": ""}[d.mode]
			if status != wantStatus || mode != d.mode || tech != wantTech {
				t.Errorf("%s: acknowledged dispatch of %s lost: stored %s/%s/%q", when, d.id, status, mode, tech)
			}
		}
		// Every stored change has its event and notice, acknowledged or not.
		if n := one[int](t, db, `SELECT COUNT(*) FROM work_orders o WHERE (SELECT COUNT(*) FROM events e
			WHERE e.subject_id = o.id AND e.action = 'create') != 1 AND o.description LIKE '故障测试%'`); n != 0 {
			t.Errorf("%s: %d orders without exactly one creation event", when, n)
		}
		if n := one[int](t, db, `SELECT COUNT(*) FROM work_orders o WHERE o.description LIKE '故障测试%' AND (SELECT COUNT(*) FROM events e
			WHERE e.subject_id = o.id AND e.action = 'status' AND e."to" = 'dispatched') != (o.status != 'new')`); n != 0 {
			t.Errorf("%s: %d orders whose dispatch events disagree with their status", when, n)
		}
		if n := one[int](t, db, `SELECT COUNT(*) FROM work_orders o WHERE o.description LIKE '故障测试%' AND (SELECT COUNT(*) FROM notifications n
			WHERE n.kind = 'work_order_assigned' AND n.subject_id = o.id) != (o.dispatch_mode = 'assign')`); n != 0 {
			t.Errorf("%s: %d orders whose assignment notices disagree with their technician", when, n)
		}
		events := one[int](t, db, `SELECT COUNT(*) FROM events e JOIN work_orders o ON o.id = e.subject_id WHERE o.description LIKE '故障测试%' AND e.action IN ('create','status')`)
		if events < len(creates)+len(dispatches) {
			t.Errorf("%s: %d events for %d acknowledged changes", when, events, len(creates)+len(dispatches))
		}
		serialsGapFree(t, db, "work_orders", "PG")
		return one[int](t, db, `SELECT COUNT(*) FROM work_orders`) - before,
			one[int](t, db, `SELECT COUNT(*) FROM work_orders WHERE description LIKE '故障测试%' AND status != 'new'`)
	}
	stored, dispatchedN := check("after the kill")
	s = mustStart(t, dir)
	// The restarted server goes on: a technician sees an assigned order.
	if len(dispatches) > 0 {
		tok := s.login(t, "tech1@example.com")
		for _, d := range dispatches {
			if d.mode == "assign" {
				if r := s.call(tok, http.MethodPatch, "/api/collections/work_orders/records/"+d.id, map[string]any{"status": "accepted"}); r.code != 200 {
					t.Errorf("accepting an order dispatched before the kill: %s", r)
				}
				acceptedID = d.id
				break
			}
		}
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	check("after the restart")
	t.Logf("dispatch burst: %d workers; %d changes acknowledged (%d creates, %d dispatches; kill sent at the %dth), %d requests cut by the kill; stored %d orders, %d dispatched (%d committed whose answer the kill cut); 0 lost, events for every stored change",
		workers, len(creates)+len(dispatches), len(creates), len(dispatches), acksAtKill, cut.Load(), stored, dispatchedN, stored+dispatchedN-len(creates)-len(dispatches))
}
