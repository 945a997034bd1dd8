package faults

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"wuye/lib/clock"
)

// rounds is how many times each race is run.
const rounds = 20

type request struct {
	who    string // account email, for messages
	token  string
	method string
	path   string
	body   any
}

// race sends the requests at the same moment and returns their replies in
// the same order.
func race(s *server, reqs []request) []reply {
	out := make([]reply, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func(i int, r request) {
			defer wg.Done()
			<-start
			out[i] = s.call(r.token, r.method, r.path, r.body)
		}(i, r)
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts outcomes by kind, for the report.
type tally map[string]int

func (t tally) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, t[k])
	}
	return strings.Join(parts, ", ")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// oneWinner checks that exactly one reply is a 200 and every other is a
// 4xx (within allowed) with a Chinese message naming the reason; it returns
// the winner's index.
func oneWinner(t *testing.T, name string, round int, reqs []request, replies []reply, allowed map[int]string, counts tally) int {
	t.Helper()
	winner := -1
	for i, r := range replies {
		switch {
		case r.err != nil:
			t.Errorf("%s round %d: %s got no answer: %v", name, round, reqs[i].who, r.err)
		case r.code == 200:
			counts["200"]++
			if winner >= 0 {
				t.Errorf("%s round %d: both %s and %s succeeded", name, round, reqs[winner].who, reqs[i].who)
			}
			winner = i
		default:
			counts[fmt.Sprint(r.code)]++
			want, ok := allowed[r.code]
			if !ok || !hasHan(r.message()) || !strings.Contains(r.message(), want) {
				t.Errorf("%s round %d: %s got %s, want one of %v", name, round, reqs[i].who, r, allowed)
			}
		}
	}
	if winner < 0 {
		t.Errorf("%s round %d: nobody succeeded: %v", name, round, replies)
	}
	return winner
}

// TestRaces sends identical requests at the same moment against one
// running server, 20 rounds of each: three staff paying the whole balance
// of one bill, two reversing one payment, three starting the billing of
// one period, two technicians claiming one pool order, three desks lending
// one key, two reviewers passing one hot-work permit's service-center
// stage and the director approving it thrice. Each time exactly one may
// take effect; the database is checked for exactly one.
func TestRaces(t *testing.T) {
	setup(t)
	dir := freshDir(t)
	pre := openDB(t, dir)
	community := idOf(t, pre, `SELECT id FROM communities WHERE code = 'CH'`)
	staffID := func(email string) string { return idOf(t, pre, `SELECT id FROM staff WHERE email = ?`, email) }
	tech1, tech2, supervisor, frontdesk := staffID("tech1@example.com"), staffID("tech2@example.com"), staffID("supervisor@example.com"), staffID("frontdesk@example.com")
	renovation := idOf(t, pre, `SELECT id FROM renovations WHERE status = 'permitted' AND community = ? LIMIT 1`, community)
	unit := idOf(t, pre, `SELECT id FROM units WHERE community = ? AND type = 'residential' ORDER BY id LIMIT 1`, community)
	type openBill struct {
		id, unit string
		owed     int
	}
	var bills []openBill
	rows, err := pre.Query(`SELECT id, unit, amount_fen - discount_fen + late_fee_fen - paid_fen FROM bills
		WHERE status IN ('issued','partially_paid') AND community = ? AND amount_fen - discount_fen + late_fee_fen - paid_fen > 0
		ORDER BY serial LIMIT ?`, community, rounds)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b openBill
		if err := rows.Scan(&b.id, &b.unit, &b.owed); err != nil {
			t.Fatal(err)
		}
		bills = append(bills, b)
	}
	rows.Close()
	pre.Close()
	if len(bills) < rounds {
		t.Fatalf("only %d open bills in the demo", len(bills))
	}

	s := mustStart(t, dir)
	tok := map[string]string{}
	for _, who := range []string{"cashier", "supervisor", "director", "frontdesk", "tech1", "tech2", "security"} {
		tok[who] = s.login(t, who+"@example.com")
	}
	as := func(who, method, path string, body any) request {
		return request{who, tok[who], method, path, body}
	}
	mustOK := func(r reply, what string) reply {
		t.Helper()
		if r.code != 200 {
			t.Fatalf("%s: %s", what, r)
		}
		return r
	}
	report := map[string]string{}

	// Double payment: the whole balance of one bill, paid by three at once.
	var paid []ack
	counts := tally{}
	for round, b := range bills {
		var reqs []request
		for i, who := range []string{"cashier", "supervisor", "director"} {
			reqs = append(reqs, as(who, http.MethodPost, "/api/collections/payments/records", map[string]any{
				"unit": b.unit, "bills": []string{b.id}, "amount_fen": b.owed, "method": "cash", "note": fmt.Sprintf("race-%d-%d", round, i)}))
		}
		replies := race(s, reqs)
		if w := oneWinner(t, "payment", round, reqs, replies, map[int]string{400: "超过应缴金额"}, counts); w >= 0 {
			paid = append(paid, ack{replies[w].str("id"), replies[w].str("serial"), fmt.Sprintf("race-%d-%d", round, w), b.owed})
		}
	}
	report["double payment (3 at once)"] = counts.String()

	// Double reversal: two cashiers reverse the same payment at once.
	counts = tally{}
	var reversals []ack
	for round, p := range paid {
		var reqs []request
		for i, who := range []string{"cashier", "supervisor"} {
			reqs = append(reqs, as(who, http.MethodPost, "/api/collections/payments/records", map[string]any{
				"unit": bills[round].unit, "reverses": p.id, "amount_fen": 1, "method": "cash", "note": fmt.Sprintf("undo-%d-%d", round, i)}))
		}
		replies := race(s, reqs)
		if w := oneWinner(t, "reversal", round, reqs, replies, map[int]string{400: "冲正过"}, counts); w >= 0 {
			reversals = append(reversals, ack{replies[w].str("id"), replies[w].str("serial"), fmt.Sprintf("undo-%d-%d", round, w), -p.amount})
		}
	}
	report["double reversal (2 cashiers)"] = counts.String()

	// Payment and discount at once: the cashier takes the whole balance
	// while the supervisor grants a discount on the same bill. Either may
	// go first; the other no longer fits what is owed.
	counts = tally{}
	var fullPaid []ack
	for round, b := range bills {
		reqs := []request{
			as("cashier", http.MethodPost, "/api/collections/payments/records", map[string]any{
				"unit": b.unit, "bills": []string{b.id}, "amount_fen": b.owed, "method": "cash", "note": fmt.Sprintf("full-%d", round)}),
			as("supervisor", http.MethodPatch, "/api/collections/bills/records/"+b.id, map[string]any{"discount_fen": 100, "discount_reason": "竞争测试减免"}),
		}
		replies := race(s, reqs)
		if w := oneWinner(t, "payment and discount", round, reqs, replies, map[int]string{400: "超过", 409: "刚被他人处理"}, counts); w == 0 {
			fullPaid = append(fullPaid, ack{replies[0].str("id"), replies[0].str("serial"), fmt.Sprintf("full-%d", round), b.owed})
		}
	}
	report["payment and discount at once"] = counts.String()

	// Double billing run: three staff start billing one new period at
	// once; one run may be under way per period. A start after that run
	// has finished is allowed (and creates nothing), so the database is
	// checked for runs of one period that overlap.
	counts = tally{}
	var periods []string
	for round := 0; round < rounds; round++ {
		period := fmt.Sprintf("%d-Q%d", 2027+round/4, 1+round%4)
		var reqs []request
		for _, who := range []string{"cashier", "supervisor", "director"} {
			reqs = append(reqs, as(who, http.MethodPost, "/api/collections/billing_runs/records", map[string]any{"community": community, "period": period}))
		}
		for i, r := range race(s, reqs) {
			switch {
			case r.code == 200:
				counts["200"]++
			case r.code == 400 && strings.Contains(r.message(), "正在进行中"):
				counts["400"]++
			default:
				t.Errorf("billing run round %d: %s got %s", round, reqs[i].who, r)
			}
		}
		periods = append(periods, period)
	}
	report["double billing-run start (3 at once)"] = counts.String()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r := s.call(tok["cashier"], http.MethodGet, "/api/collections/billing_runs/records?filter="+url.QueryEscape("status = 'pending' || status = 'running'"), nil)
		if n, _ := r.json()["totalItems"].(float64); r.code == 200 && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("billing runs still under way after 60 s: %s", r)
		}
	}

	// Double pool claim: two technicians of the trade take one pool order.
	counts = tally{}
	var orders []string
	claimedBy := map[string]string{}
	for round := 0; round < rounds; round++ {
		o := mustOK(s.call(tok["frontdesk"], http.MethodPost, "/api/collections/work_orders/records", map[string]any{
			"unit": unit, "category": "plumbing", "description": fmt.Sprintf("抢单测试 %d", round), "contact_name": "测试", "contact_phone": "13700000000"}), "file order").str("id")
		mustOK(s.call(tok["frontdesk"], http.MethodPatch, "/api/collections/work_orders/records/"+o, map[string]any{"status": "dispatched", "dispatch_mode": "pool"}), "to the pool")
		reqs := []request{
			as("tech1", http.MethodPatch, "/api/collections/work_orders/records/"+o, map[string]any{"status": "accepted"}),
			as("tech2", http.MethodPatch, "/api/collections/work_orders/records/"+o, map[string]any{"status": "accepted"}),
		}
		replies := race(s, reqs)
		// 409 whether the loser's claim was judged against the order before
		// the other's landed or read it after (hooks/dispatch_claim.go).
		if w := oneWinner(t, "pool claim", round, reqs, replies, map[int]string{409: "该工单已被同事接单"}, counts); w >= 0 {
			claimedBy[o] = map[int]string{0: tech1, 1: tech2}[w]
		}
		orders = append(orders, o)
	}
	report["double pool claim (2 technicians)"] = counts.String()

	// Double key loan: three desks lend one key at once.
	counts = tally{}
	returns := tally{}
	var keys []string
	for round := 0; round < rounds; round++ {
		k := mustOK(s.call(tok["frontdesk"], http.MethodPost, "/api/collections/keys/records", map[string]any{
			"community": community, "label": fmt.Sprintf("竞争测试钥匙 %d", round), "kind": "other", "status": "in"}), "new key").str("id")
		var reqs []request
		for _, who := range []string{"frontdesk", "supervisor", "director"} {
			reqs = append(reqs, as(who, http.MethodPost, "/api/collections/key_loans/records", map[string]any{
				"key": k, "borrower_staff": tech1, "purpose": "检修 " + who}))
		}
		replies := race(s, reqs)
		keys = append(keys, k)
		w := oneWinner(t, "key loan", round, reqs, replies, map[int]string{409: "已借出"}, counts)
		if w < 0 {
			continue
		}
		// Two desks take the key back at once: one return.
		loanPath := "/api/collections/key_loans/records/" + replies[w].str("id")
		back := map[string]any{"returned_at": clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")}
		reqs = []request{as("frontdesk", http.MethodPatch, loanPath, back), as("supervisor", http.MethodPatch, loanPath, back)}
		oneWinner(t, "key return", round, reqs, race(s, reqs), map[int]string{400: "不能修改", 409: "刚被他人处理"}, returns)
	}
	report["double key loan (3 desks)"] = counts.String()
	report["double key return (2 desks)"] = returns.String()

	// Hot-work permit: two service-center reviewers pass the same stage at
	// once, then the director approves it three times at once.
	review, approve := tally{}, tally{}
	var permits []string
	layout := "2006-01-02 15:04:05.000Z"
	for round := 0; round < rounds; round++ {
		p := mustOK(s.call(tok["frontdesk"], http.MethodPost, "/api/collections/hot_work_permits/records", map[string]any{
			"renovation": renovation, "operator_name": "赵焊工", "operator_cert": "T123456", "place": fmt.Sprintf("阳台 %d", round),
			"window_start": clock.Now().Add(-time.Hour).UTC().Format(layout), "window_end": clock.Now().Add(3 * time.Hour).UTC().Format(layout)}), "permit").str("id")
		path := "/api/collections/hot_work_permits/records/" + p
		mustOK(s.call(tok["security"], http.MethodPatch, path, map[string]any{"status": "security_reviewed"}), "security review")
		reqs := []request{
			as("supervisor", http.MethodPatch, path, map[string]any{"status": "center_reviewed"}),
			as("frontdesk", http.MethodPatch, path, map[string]any{"status": "center_reviewed"}),
		}
		self := []string{supervisor, frontdesk}
		won := 0
		for i, r := range race(s, reqs) {
			switch {
			case r.code == 200 && r.str("center_by") == self[i]:
				review["200 reviewed"]++
				won++
			case r.code == 409 && strings.Contains(r.message(), "刚被他人处理"):
				review["409"]++
			default:
				t.Errorf("hot-work review round %d: %s got %s", round, reqs[i].who, r)
			}
		}
		if won != 1 {
			t.Errorf("hot-work review round %d: %d reviewers succeeded", round, won)
		}
		reqs = nil
		for i := 0; i < 3; i++ {
			reqs = append(reqs, as("director", http.MethodPatch, path, map[string]any{"status": "approved"}))
		}
		for i, r := range race(s, reqs) {
			switch {
			case r.code == 200 && r.str("status") == "approved":
				approve["200"]++
			case r.code == 409 && strings.Contains(r.message(), "刚被他人处理"):
				approve["409"]++
			case r.code == 400 && strings.Contains(r.message(), "已批准"):
				approve["400 frozen"]++
			default:
				t.Errorf("hot-work approval round %d: request %d got %s", round, i, r)
			}
		}
		permits = append(permits, p)
	}
	report["hot-work center review (2 reviewers)"] = review.String()
	report["hot-work approval (director ×3)"] = approve.String()

	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dir)
	integrity(t, db, "after the races")
	checkPayments(t, db, append(append(paid, reversals...), fullPaid...))
	for round, p := range paid {
		if n := one[int](t, db, `SELECT COUNT(*) FROM payments WHERE reverses = ?`, p.id); n != 1 {
			t.Errorf("reversal round %d: %d reversals stored", round, n)
		}
	}
	for round, period := range periods {
		rows, err := db.Query(`SELECT status, created, finished_at FROM billing_runs WHERE period = ? AND community = ? ORDER BY created`, period, community)
		if err != nil {
			t.Fatal(err)
		}
		prevEnd, n := "", 0
		for rows.Next() {
			var status, created, finished string
			if err := rows.Scan(&status, &created, &finished); err != nil {
				t.Fatal(err)
			}
			if status != "done" {
				t.Errorf("billing run round %d: a run ended %s", round, status)
			}
			if n > 0 && created < prevEnd {
				t.Errorf("billing run round %d: a second run of %s started at %s, before the first finished at %s", round, period, created, prevEnd)
			}
			prevEnd, n = finished, n+1
		}
		rows.Close()
		if n == 0 {
			t.Errorf("billing run round %d: no run of %s", round, period)
		}
	}
	if n := one[int](t, db, `SELECT COUNT(*) FROM (SELECT 1 FROM bills WHERE fee_item != '' GROUP BY unit, fee_item, period HAVING COUNT(*) > 1)`); n != 0 {
		t.Errorf("%d duplicate bills", n)
	}
	serialsGapFree(t, db, "bills", "ZD")
	for round, b := range bills {
		if n := one[int](t, db, `SELECT COUNT(*) FROM payments WHERE note LIKE ?`, fmt.Sprintf("race-%d-%%", round)); n != 1 {
			t.Errorf("payment round %d: %d payments stored", round, n)
		}
		// Paid in full once, that payment reversed once, then either paid
		// in full again or discounted by 1 yuan.
		left := one[int](t, db, `SELECT amount_fen - discount_fen + late_fee_fen - paid_fen FROM bills WHERE id = ?`, b.id)
		full := one[int](t, db, `SELECT COUNT(*) FROM payments WHERE note = ?`, fmt.Sprintf("full-%d", round))
		if (full == 1 && left != 0) || (full == 0 && left != b.owed-100) || full > 1 {
			t.Errorf("payment round %d: the bill owed %d fen, now %d after %d full payments", round, b.owed, left, full)
		}
	}
	for round, o := range orders {
		var status, tech string
		if err := db.QueryRow(`SELECT status, technician FROM work_orders WHERE id = ?`, o).Scan(&status, &tech); err != nil {
			t.Fatal(err)
		}
		if status != "accepted" || tech != claimedBy[o] {
			t.Errorf("pool claim round %d: stored %s by %s, the winner was %s", round, status, tech, claimedBy[o])
		}
		if n := one[int](t, db, `SELECT COUNT(*) FROM events WHERE subject_id = ? AND action = 'status' AND "to" = 'accepted'`, o); n != 1 {
			t.Errorf("pool claim round %d: %d claim events", round, n)
		}
	}
	for round, k := range keys {
		if n := one[int](t, db, `SELECT COUNT(*) FROM key_loans WHERE key = ?`, k); n != 1 {
			t.Errorf("key loan round %d: %d loans of one key", round, n)
		}
		if n := one[int](t, db, `SELECT COUNT(*) FROM events WHERE subject_id = ? AND action = 'lent'`, k); n != 1 {
			t.Errorf("key loan round %d: %d loan events", round, n)
		}
		if n := one[int](t, db, `SELECT COUNT(*) FROM events WHERE subject_id = ? AND action = 'returned'`, k); n != 1 {
			t.Errorf("key return round %d: %d return events", round, n)
		}
		if st := one[string](t, db, `SELECT status FROM keys WHERE id = ?`, k); st != "in" {
			t.Errorf("key return round %d: the key is %s", round, st)
		}
	}
	for round, p := range permits {
		serial := one[string](t, db, `SELECT serial FROM hot_work_permits WHERE id = ?`, p)
		for _, action := range []string{"hot_work_center_reviewed", "hot_work_approved"} {
			if n := one[int](t, db, `SELECT COUNT(*) FROM events WHERE subject_id = ? AND action = ? AND note LIKE ?`, renovation, action, serial+"%"); n != 1 {
				t.Errorf("hot-work round %d: %s recorded %d times", round, action, n)
			}
		}
	}
	serialsGapFree(t, db, "work_orders", "PG")
	serialsGapFree(t, db, "hot_work_permits", "DHZ")
	names := make([]string, 0, len(report))
	for k := range report {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("%s, %d rounds: %s", k, rounds, report[k])
	}
}
