package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(quoteNoteUp, quoteNoteDown, "0053_quote_note.go")
}

// quoteNoteUp adds work_orders.quote_note: what the technician's quote
// covers (labour, which parts, what is not included), written with the
// price on site and read by the resident before confirming it — a quote is
// not a bare amount: "在服务前向服务对象说明服务内容及对应价格" ([004] 三
// 7.5; docs/DESIGN.md, "Work orders").
func quoteNoteUp(app core.App) error {
	return changeCollection(app, "work_orders", "work_orders.quote_note", func(c *core.Collection) error {
		c.Fields.Add(text("quote_note", false, 500))
		return nil
	})
}

func quoteNoteDown(app core.App) error {
	return changeCollection(app, "work_orders", "", func(c *core.Collection) error {
		c.Fields.RemoveByName("quote_note")
		return nil
	})
}
