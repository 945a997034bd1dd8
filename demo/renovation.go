package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// renovations files the demo's renovation applications through the real
// flow so that every state of a renovation (docs/DESIGN.md, Renovation) is
// on show.
func (l *loader) renovations() {
	if l.err != nil {
		return
	}
	type step struct{ who, to string }
	eng, dir, desk, cashier := "engineer@example.com", "director@example.com", "frontdesk@example.com", "cashier@example.com"
	toApproved := []step{{eng, "engineering_passed"}, {dir, "approved"}}
	// The first occupied flats with a household of the demo's own (owner1's
	// and owner2's units are left for the other examples).
	var flats []string
	for _, key := range sortedKeys(l.units) {
		u := l.units[key]
		if u.GetString("status") == "occupied" && u.GetString("type") == "residential" && key != "1-101" && key != "1-102" &&
			u.GetString("community") == l.units["1-101"].GetString("community") {
			flats = append(flats, key)
		}
	}
	for i, d := range []struct {
		unit  string
		steps []step
		after func(r *core.Record)
	}{
		{unit: ""},
		{unit: "", steps: []step{{eng, "engineering_passed"}}},
		{unit: "", steps: toApproved},
		{unit: "", steps: []step{{eng, "rejected"}}},
		{unit: "", steps: append(toApproved, step{desk, "permitted"})},
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{eng, "suspended"})},
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"})},
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"}, step{eng, "acceptance_failed"})},
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"}, step{eng, "accepted"})},
		// Accepted half a year ago: the deposit's refund, approved by the
		// director and paid by the cashier, closes it; another's is approved
		// and waits at the cashier's desk.
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"}, step{eng, "accepted"},
			step{desk, "refund_requested"}, step{dir, "refund_approved"}, step{cashier, "refund_paid"})},
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"}, step{eng, "accepted"},
			step{desk, "refund_requested"}, step{dir, "refund_approved"})},
		// And one the desk has taken, waiting for the director's approval
		// ([004] 4.3: 主任负责审批押金清退).
		{unit: "", steps: append(toApproved, step{desk, "permitted"}, step{"", "completion_requested"}, step{eng, "accepted"},
			step{desk, "refund_requested"})},
	} {
		if i >= len(flats) {
			l.err = fmt.Errorf("demo renovations: only %d occupied flats", len(flats))
			return
		}
		d.unit = flats[i]
		applicant := l.ownerOf(d.unit)
		if l.err != nil {
			return
		}
		if applicant == nil {
			l.err = fmt.Errorf("demo renovation: no owner of %s", d.unit)
			return
		}
		r := l.newRecord("renovations")
		if r == nil {
			return
		}
		for k, v := range map[string]any{"unit": l.units[d.unit].Id, "contractor_name": "安居装饰工程有限公司", "contractor_licence": "渝建装 2025-0318",
			"contractor_phone": "13600000001", "site_lead": "孙工", "scope": []string{"walls", "electrical", "plumbing"},
			"description": "厨卫改造、重新布线、墙面翻新", "planned_start": plannedStart(), "planned_end": plannedEnd()} {
			r.Set(k, v)
		}
		if l.err = hooks.FileRenovation(l.app, r, applicant); l.err != nil {
			return
		}
		for _, s := range d.steps {
			actor := applicant
			if s.who != "" {
				actor = l.account("staff", s.who)
			}
			fields := map[string]any{}
			switch s.to {
			case "rejected":
				fields["reject_reason"] = "拆改承重墙，图纸不予通过"
			case "suspended":
				fields["suspend_reason"] = "未经批准改动外立面"
			case "acceptance_failed":
				fields["acceptance_changes"] = "卫生间闭水试验不合格，需重做防水"
			case "accepted":
				fields = map[string]any{"resident_signed": true, "contractor_signed": true, "office_signed": true}
			case "permitted":
				l.readyForPermit(r, applicant)
			case "refund_requested", "refund_approved", "refund_paid":
				if err := l.depositRefund(r, actor, s.to); err != nil {
					l.err = fmt.Errorf("demo deposit refund of %s (%s): %w", d.unit, s.to, err)
					return
				}
				continue
			}
			if l.err != nil {
				return
			}
			var err error
			if r, err = hooks.AdvanceRenovation(l.app, r.Id, actor, s.to, fields); err != nil {
				l.err = fmt.Errorf("demo renovation of %s → %s: %w", d.unit, s.to, err)
				return
			}
		}
	}
}

// depositRefund takes renovation r's deposit refund one step (to is
// refund_requested, refund_approved or refund_paid) as actor would. The
// request backdates the acceptance half a year, so that the refund is due.
func (l *loader) depositRefund(r, actor *core.Record, to string) error {
	if to == "refund_requested" {
		stored, err := l.app.FindRecordById("renovations", r.Id)
		if err != nil {
			return err
		}
		accepted := clock.Now().AddDate(0, -6, -1)
		stored.Set("accepted_at", accepted)
		stored.Set("deposit_refund_due", clock.Now().In(workcal.Shanghai).AddDate(0, 0, -1).Format(time.DateOnly))
		if err := l.app.SaveNoValidate(stored); err != nil {
			return err
		}
		_, err = hooks.RequestDepositRefund(l.app, r.Id, actor, "业主到服务中心申请退还装修押金")
		return err
	}
	ref, err := l.app.FindFirstRecordByFilter("deposit_refunds", "renovation = {:r} && status != 'rejected'", dbx.Params{"r": r.Id})
	if err != nil {
		return err
	}
	fields := map[string]any{"director_comment": "验收满六个月，无未整改违规，同意退还"}
	if to == "refund_paid" {
		fields = map[string]any{"method": "transfer"}
	}
	_, err = hooks.AdvanceDepositRefund(l.app, ref.Id, actor, strings.TrimPrefix(to, "refund_"), fields)
	return err
}

// readyForPermit records what the permit needs: the agreement, the fees,
// the deposit in the ledger and a worker pass.
func (l *loader) readyForPermit(r, applicant *core.Record) {
	d := l.save("deposits", map[string]any{"community": r.GetString("community"), "unit": r.GetString("unit"), "kind": "renovation",
		"holder_name": applicant.GetString("name"), "source": r.GetString("serial"), "amount_fen": 200000, "balance_fen": 200000, "status": "held",
		"method": "transfer", "received_by": l.account("staff", "cashier@example.com").Id})
	if l.err != nil {
		return
	}
	var err error
	desk := l.account("staff", "frontdesk@example.com")
	if _, err = hooks.AdvanceRenovation(l.app, r.Id, desk, "approved", map[string]any{
		"agreement_signed_at": clock.Now(), "deposit_fen": 200000, "deposit": d.Id}); err != nil {
		l.err = fmt.Errorf("demo agreement: %w", err)
		return
	}
	// The fees are bills, paid at the cashier's like any other ([004] 四 3 5.1.6).
	bills, err := hooks.IssueRenovationFees(l.app, r, desk, []hooks.OneOffCharge{
		{Charge: "renovation_management", AmountFen: 30000}, {Charge: "debris_removal", AmountFen: 20000},
		{Charge: "pass_card", AmountFen: 1000, Note: "1 证"}})
	if err != nil {
		l.err = fmt.Errorf("demo renovation fees: %w", err)
		return
	}
	col, _ := l.app.FindCachedCollectionByNameOrId("payments")
	p := core.NewRecord(col)
	p.Set("unit", r.GetString("unit"))
	p.Set("method", "cash")
	p.Set("payer_name", applicant.GetString("name"))
	var total int64
	var ids []string
	for _, b := range bills {
		total += int64(b.GetInt("amount_fen"))
		ids = append(ids, b.Id)
	}
	p.Set("amount_fen", total)
	p.Set("bills", ids)
	if l.err = hooks.TakePayment(l.app, p, l.account("staff", "cashier@example.com")); l.err != nil {
		return
	}
	l.save("renovation_passes", map[string]any{"renovation": r.Id, "worker_name": "刘师傅", "id_no": "500101199001011234", "trade": "水电",
		"valid_until": plannedEnd()})
}

// The demo's renovations run three months from the first of the current
// month (Shanghai), so that on whatever day the demo is loaded — or
// whatever WUYE_CLOCK says — the works are under way and their worker
// passes valid.
func plannedStart() string {
	now := clock.Now().In(workcal.Shanghai)
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workcal.Shanghai).Format(time.DateOnly)
}

func plannedEnd() string {
	now := clock.Now().In(workcal.Shanghai)
	return time.Date(now.Year(), now.Month()+3, 0, 0, 0, 0, 0, workcal.Shanghai).Format(time.DateOnly)
}

// ownerOf is the current owner of a demo unit.
func (l *loader) ownerOf(key string) *core.Record {
	u := l.units[key]
	if u == nil {
		l.err = fmt.Errorf("demo: no unit %s", key)
		return nil
	}
	link, err := l.app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'owner' && active = true", dbx.Params{"u": u.Id})
	if err != nil {
		return nil
	}
	r, err := l.app.FindRecordById("residents", link.GetString("resident"))
	if err != nil {
		l.err = err
	}
	return r
}

func (l *loader) newRecord(collection string) *core.Record {
	col, err := l.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		l.err = err
		return nil
	}
	return core.NewRecord(col)
}
