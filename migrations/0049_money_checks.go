package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(moneyChecksUp, dropper("online_reconciliations", "service_statements"), "0049_money_checks.go")
}

// ServiceStatementStatuses are the sign-offs of a month's 特约服务收费明细及确认
// in order: drawn up, signed by the cashier (finance), confirmed by the
// supervisor (the service center) — [003] 篇2 4.9(4).
var ServiceStatementStatuses = []string{"draft", "cashier_signed", "confirmed"}

// moneyChecksUp creates the two reconciliations of money taken:
//
//   - service_statements: the month's completed paid services against the
//     payments taken for them, listed and totalled with the differences
//     flagged, signed by the cashier and then the supervisor ([003] 篇2
//     4.8, 4.9(4));
//   - online_reconciliations: a day's settled online orders of a provider
//     against the provider's statement, with what is missing on either side
//     or differs in amount (office practice).
//
// Both are drawn up by Wuye from the records (the create hooks fill them);
// neither is ever deleted.
func moneyChecksUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	finance := `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`

	s := core.NewBaseCollection("service_statements")
	s.Fields.Add(
		rel("community", communities, true),
		&core.TextField{Name: "month", Required: true, Pattern: `^\d{4}-(0[1-9]|1[0-2])$`, Max: 7},
		choice("status", true, ServiceStatementStatuses...),
		integer("orders", false, 0),
		fen("amount_fen", 0),
		fen("paid_fen", 0),
		fen("difference_fen", -MaxFen), // amount − paid: negative when more was taken
		integer("flagged", false, 0),
		&core.JSONField{Name: "lines", MaxSize: 2 << 20}, // one per order, set by Wuye
		rel("drawn_by", staff, false),
		rel("cashier", staff, false),
		timestamp("cashier_signed_at"),
		rel("supervisor", staff, false),
		timestamp("supervisor_signed_at"),
		text("note", false, 1000),
	)
	withAutodates(s)
	s.AddIndex("idx_service_statements_month", true, "community, month", "")
	// The service center (front desk, supervisor) and finance (cashier) each
	// keep a copy ([003] 篇2 4.9(4)); finance draws it up.
	read := and(staffOf("community"), `(@request.auth.role = "front_desk" || @request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	write := and(staffOf("community"), finance)
	setRules(s, rule(read), rule(read), rule(write), rule(write), nil)
	if err := app.Save(s); err != nil {
		return fmt.Errorf("service_statements: %w", err)
	}

	o := core.NewBaseCollection("online_reconciliations")
	o.Fields.Add(
		rel("community", communities, true),
		choice("provider", true, "wechat", "alipay"),
		date("day", true),
		choice("status", false, "matched", "mismatched"),
		integer("orders", false, 0),
		fen("orders_fen", 0),
		integer("statement_lines", false, 0),
		fen("statement_fen", 0),
		integer("mismatches", false, 0),
		&core.JSONField{Name: "statement", MaxSize: 1 << 20}, // the provider's lines as uploaded, or as fetched
		&core.JSONField{Name: "lines", MaxSize: 1 << 20},     // the mismatches, set by Wuye
		rel("checked_by", staff, false),
	)
	withCreated(o)
	o.AddIndex("idx_online_reconciliations_day", false, "community, provider, day", "")
	readO := and(staffOf("community"), finance)
	setRules(o, rule(readO), rule(readO), rule(readO), nil, nil)
	if err := app.Save(o); err != nil {
		return fmt.Errorf("online_reconciliations: %w", err)
	}
	// Their events are read by their readers (migrations/event_rules.go).
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}

// fen is an amount of money, from min to MaxFen (migrations/money_bounds.go).
func fen(name string, min float64) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true, Min: floatPtr(min), Max: floatPtr(MaxFen)}
}
