package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(onlineOrdersUp, dropper("online_orders"), "0012_online_orders.go")
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
