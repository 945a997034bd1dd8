package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Fee vocabularies (SPEC §6, §11).
var (
	FeeKinds     = []string{"management", "parking", "water", "electricity", "gas", "service", "business", "other"}
	FeeBases     = []string{"per_m2_month", "per_unit_month", "metered", "fixed"}
	FeeCycles    = []string{"monthly", "quarterly"}
	Meters       = []string{"water", "electric", "gas"}
	BillStatuses = []string{"issued", "partially_paid", "paid", "void"}
	RunStatuses  = []string{"pending", "running", "done", "failed"}
)

// PaymentMethods are the ways a payment is taken (SPEC §6, §11).
var PaymentMethods = []string{"cash", "card", "wechat", "alipay", "transfer"}

func init() {
	m.Register(feesUp, dropper("bills", "billing_runs", "meter_readings", "fee_items"), "0008_fees.go")
	m.Register(paymentsUp, dropper("payments"), "0009_payments.go")
	m.Register(remindersUp, dropper("reminders"), "0010_reminders.go")
	m.Register(depositsUp, dropper("deposit_movements", "deposits"), "0011_deposits.go")
	m.Register(onlineOrdersUp, dropper("online_orders"), "0012_online_orders.go")
	m.Register(discountsUp, nil, "0013_discounts.go")
	m.Register(reminderDeliveryUp, nil, "0020_reminder_delivery.go")
}

// reminderDeliveryUp records who handed a reminder notice to the household
// and when (the area manager delivers them by the 20th, SPEC §6). Only the
// delivery may be written; the hook refuses any other change.
func reminderDeliveryUp(app core.App) error {
	r, err := app.FindCollectionByNameOrId("reminders")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	r.Fields.Add(timestamp("delivered_at"), rel("delivered_by", staff, false), text("delivery_note", false, 500))
	deliverers := and(staffOf("community"), `(@request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	r.UpdateRule = rule(deliverers)
	return app.Save(r)
}

// discountsUp lets the community's supervisors and director grant a
// discount on a bill (减免); the hook admits nothing else.
func discountsUp(app core.App) error {
	bills, err := app.FindCollectionByNameOrId("bills")
	if err != nil {
		return err
	}
	bills.UpdateRule = rule(and(staffOf("community"), `(@request.auth.role = "supervisor" || @request.auth.role = "director")`))
	return app.Save(bills)
}

// onlineOrdersUp creates the orders sent to online payment providers. They
// are made and settled by Wuye's routes only.
func onlineOrdersUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	bills, _ := app.FindCollectionByNameOrId("bills")
	payments, _ := app.FindCollectionByNameOrId("payments")
	_, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	o := core.NewBaseCollection("online_orders")
	o.Fields.Add(
		text("trade_no", true, 40),
		rel("community", communities, true),
		rel("unit", units, true),
		relMany("bills", bills, true),
		integer("amount_fen", true, 1),
		choice("provider", true, "wechat", "alipay"),
		choice("status", true, "pending", "paid"),
		rel("resident", residents, false),
		rel("payment", payments, false),
		text("provider_txn_id", false, 64),
		timestamp("paid_at"),
	)
	withAutodates(o)
	o.AddIndex("idx_online_orders_trade_no", true, "trade_no", "")
	read := or(and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`),
		and(isResident, `resident = @request.auth.id`))
	setRules(o, rule(read), rule(read), nil, nil, nil)
	return app.Save(o)
}

// DepositKinds are the deposits the office holds in a ledger of their own.
var DepositKinds = []string{"renovation", "pass", "key", "other"}

// depositsUp creates the deposits ledger: a deposit and its movements
// (received, deducted with a reason, refunded). Balances are derived from
// the movements; nothing is edited or deleted.
func depositsUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	d := core.NewBaseCollection("deposits")
	d.Fields.Add(
		rel("community", communities, true),
		rel("unit", units, false),
		choice("kind", true, DepositKinds...),
		text("holder_name", true, 50),
		text("source", false, 50), // e.g. the renovation's or pass's serial
		integer("amount_fen", true, 1),
		integer("balance_fen", false, 0), // kept by the movements' hook
		choice("status", true, "held", "settled"),
		rel("received_by", staff, false),
	)
	withAutodates(d)
	d.AddIndex("idx_deposits_community", false, "community, kind, status", "")
	cashier := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	setRules(d, rule(read), rule(read), rule(cashier), nil, nil)
	if err := app.Save(d); err != nil {
		return fmt.Errorf("deposits: %w", err)
	}
	mv := core.NewBaseCollection("deposit_movements")
	mv.Fields.Add(
		&core.RelationField{Name: "deposit", CollectionId: d.Id, Required: true, MaxSelect: 1},
		choice("kind", true, "deduct", "refund"),
		integer("amount_fen", true, 1),
		text("reason", false, 500),
		rel("by", staff, false),
	)
	withCreated(mv)
	mv.AddIndex("idx_deposit_movements_deposit", false, "deposit, created", "")
	mvCashier := and(staffOf("deposit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	mvRead := or(and(staffOf("deposit.community"), `@request.auth.role != "technician"`), livesIn("deposit.unit.unit_residents_via_unit"))
	setRules(mv, rule(mvRead), rule(mvRead), rule(mvCashier), nil, nil)
	if err := app.Save(mv); err != nil {
		return fmt.Errorf("deposit_movements: %w", err)
	}
	return nil
}

// ReminderStages are the steps of the arrears ladder (SPEC §6).
var ReminderStages = []string{"1", "2", "3", "escalated"}

// remindersUp creates the reminder notices of the arrears ladder.
func remindersUp(app core.App) error {
	bills, _ := app.FindCollectionByNameOrId("bills")
	units, _ := app.FindCollectionByNameOrId("units")
	communities, _ := app.FindCollectionByNameOrId("communities")
	r := core.NewBaseCollection("reminders")
	r.Fields.Add(
		rel("community", communities, true),
		rel("bill", bills, true),
		rel("unit", units, true),
		choice("stage", true, ReminderStages...),
		date("issued_on", true),
		date("deadline", false), // pay by this day; late fees run from the first notice's
		integer("amount_fen", true, 0),
		text("note", false, 500),
	)
	withCreated(r)
	r.AddIndex("idx_reminders_bill_stage", true, "bill, stage", "")
	r.AddIndex("idx_reminders_community", false, "community, issued_on", "")
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	// The ladder is the cron job's: nobody writes reminders by hand.
	setRules(r, rule(read), rule(read), nil, nil, nil)
	return app.Save(r)
}

// paymentsUp creates payments: receipts that allocate money to bills, and
// the reversals that correct them (never edits, never deletes).
func paymentsUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	bills, _ := app.FindCollectionByNameOrId("bills")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	p := core.NewBaseCollection("payments")
	p.Fields.Add(
		text("serial", false, 30), // the receipt number (SK-…)
		rel("community", communities, true),
		rel("unit", units, true),
		&core.NumberField{Name: "amount_fen", Required: true, OnlyInt: true}, // negative for a reversal
		choice("method", true, PaymentMethods...),
		text("payer_name", false, 50),
		relMany("bills", bills, false),                       // to allocate to; oldest first when empty
		&core.JSONField{Name: "allocations", MaxSize: 20000}, // [{bill, amount_fen}], set by Wuye
		rel("received_by", staff, false),
		text("note", false, 500),
	)
	withAutodates(p)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("payments: %w", err)
	}
	p.Fields.Add(&core.RelationField{Name: "reverses", CollectionId: p.Id, MaxSelect: 1})
	p.AddIndex("idx_payments_serial", true, "serial", "serial != ''")
	p.AddIndex("idx_payments_reverses", true, "reverses", "reverses != ''") // one reversal per payment
	p.AddIndex("idx_payments_received", false, "received_by, created", "")
	p.AddIndex("idx_payments_unit", false, "unit, created", "")
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	create := and(isStaff, `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`,
		or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`))
	setRules(p, rule(read), rule(read), rule(create), nil, nil)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("payments rules: %w", err)
	}
	return nil
}

// feesUp creates the fee items, meter readings, billing runs and bills.
// (Payments, reminders and the deposits ledger follow in later migrations.)
func feesUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	workOrders, _ := app.FindCollectionByNameOrId("work_orders")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	cashierOf := func(path string) string {
		return and(staffOf(path), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	}

	items := core.NewBaseCollection("fee_items")
	items.Fields.Add(
		rel("community", communities, true),
		text("code", true, 20),
		text("name", true, 100),
		choice("kind", true, FeeKinds...),
		choice("basis", true, FeeBases...),
		integer("price_fen", true, 0), // per m² per month for per_m2_month, per m³/kWh for metered
		&core.SelectField{Name: "unit_types", Required: true, MaxSelect: len(UnitTypes), Values: UnitTypes},
		choice("meter", false, Meters...),                                               // for metered items
		&core.NumberField{Name: "late_fee_rate", Min: floatPtr(0), Max: floatPtr(0.01)}, // share of the overdue amount per day
		choice("cycle", true, FeeCycles...),
		date("active_from", false),
		date("active_to", false),
		flag("active"),
	)
	withAutodates(items)
	items.AddIndex("idx_fee_items_code", true, "community, code", "")
	setRules(items,
		rule(or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit"))),
		rule(or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit"))),
		rule(writerOf("community")), rule(writerOf("community")), nil,
	)
	if err := app.Save(items); err != nil {
		return fmt.Errorf("fee_items: %w", err)
	}

	readings := core.NewBaseCollection("meter_readings")
	readings.Fields.Add(
		rel("unit", units, true),
		choice("meter", true, Meters...),
		&core.NumberField{Name: "reading", Required: true, Min: floatPtr(0)},
		date("read_on", true),
		rel("read_by", staff, false),
	)
	withAutodates(readings)
	readings.AddIndex("idx_meter_readings_unit", true, "unit, meter, read_on", "")
	setRules(readings,
		rule(or(staffOf("unit.community"), livesIn("unit.unit_residents_via_unit"))),
		rule(or(staffOf("unit.community"), livesIn("unit.unit_residents_via_unit"))),
		rule(and(staffOf("unit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor")`)),
		rule(cashierOf("unit.community")), nil,
	)
	if err := app.Save(readings); err != nil {
		return fmt.Errorf("meter_readings: %w", err)
	}

	runs := core.NewBaseCollection("billing_runs")
	runs.Fields.Add(
		rel("community", communities, true),
		text("period", true, 10), // 2026-Q1 or 2026-01
		choice("status", true, RunStatuses...),
		integer("total_units", false, 0),
		integer("processed_units", false, 0),
		integer("created_bills", false, 0),
		integer("existing_bills", false, 0),
		integer("skipped", false, 0), // nothing due (not handed over, no readings)
		rel("started_by", staff, false),
		timestamp("started_at"),
		timestamp("finished_at"),
		text("error", false, 2000),
	)
	withAutodates(runs)
	// Clients watch a run through its record topic: the view rule.
	setRules(runs, rule(staffOf("community")), rule(staffOf("community")), rule(cashierOf("community")), nil, nil)
	if err := app.Save(runs); err != nil {
		return fmt.Errorf("billing_runs: %w", err)
	}

	bills := core.NewBaseCollection("bills")
	bills.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, true),
		rel("fee_item", items, false), // empty for a paid-service line
		rel("work_order", workOrders, false),
		text("source", false, 50), // e.g. the work order's serial
		text("period", true, 10),
		date("period_start", true),
		date("period_end", true),
		rel("payer", residents, false),
		integer("amount_fen", true, 0),
		integer("discount_fen", false, 0),
		text("discount_reason", false, 200),
		integer("late_fee_fen", false, 0),
		integer("paid_fen", false, 0),
		date("due_on", true),
		choice("status", true, BillStatuses...),
		text("reminder_stage", false, 10),
		rel("run", runs, false),
		&core.JSONField{Name: "basis", MaxSize: 2000}, // how the amount came about (area, rate, days …)
	)
	withAutodates(bills)
	bills.AddIndex("idx_bills_serial", true, "serial", "serial != ''")
	// One bill per unit, fee item and period; one line per work order.
	bills.AddIndex("idx_bills_unit_item_period", true, "unit, fee_item, period", "fee_item != ''")
	bills.AddIndex("idx_bills_work_order", true, "work_order", "work_order != ''")
	bills.AddIndex("idx_bills_community_period", false, "community, period, status", "")
	seesBills := `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	readBills := or(and(staffOf("community"), seesBills), livesIn("unit.unit_residents_via_unit"))
	// Bills are made by billing runs, never by hand through the API.
	setRules(bills, rule(readBills), rule(readBills), nil, nil, nil)
	if err := app.Save(bills); err != nil {
		return fmt.Errorf("bills: %w", err)
	}
	return nil
}

func floatPtr(f float64) *float64 { return &f }
