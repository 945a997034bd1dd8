package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(dispatchUp, dropper("work_orders", "service_demands", "service_items"), "0007_dispatch.go")
}

// dispatchUp creates the price list, the record of unmet demand and the
// work orders, and gives technicians their trades.
func dispatchUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	// A technician claims pool orders of their trades.
	staff.Fields.Add(&core.SelectField{Name: "skills", MaxSelect: len(WorkCategories), Values: WorkCategories})
	if err := app.Save(staff); err != nil {
		return fmt.Errorf("staff.skills: %w", err)
	}

	items := core.NewBaseCollection("service_items")
	items.Fields.Add(
		rel("community", communities, true),
		text("code", true, 20),
		text("name", true, 100),
		choice("category", true, WorkCategories...),
		choice("kind", true, WorkKinds...),
		integer("price_fen", false, 0),
		text("unit", false, 10), // 次, 个, 小时, m² …
		flag("needs_estimate"),  // the price is set on site
		flag("prepay"),          // paid before dispatch (in-home cleaning)
		flag("active"),
	)
	withAutodates(items)
	items.AddIndex("idx_service_items_code", true, "community, code", "")
	setRules(items,
		rule(or(and(signedIn, `active = true`), staffOf("community"))),
		rule(or(and(signedIn, `active = true`), staffOf("community"))),
		rule(writerOf("community")), rule(writerOf("community")), nil,
	)
	if err := app.Save(items); err != nil {
		return fmt.Errorf("service_items: %w", err)
	}

	demands := core.NewBaseCollection("service_demands")
	demands.Fields.Add(
		rel("community", communities, true),
		rel("unit", units, false),
		rel("resident", residents, false),
		text("contact_name", true, 50),
		&core.TextField{Name: "contact_phone", Required: true, Pattern: PhonePattern, Max: 20},
		text("description", true, 2000),
		choice("status", true, "open", "answered"),
		text("answer", false, 2000),
		rel("answered_by", staff, false),
		timestamp("answered_at"),
	)
	withAutodates(demands)
	deskOf := func(path string) string {
		return and(staffOf(path), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	}
	setRules(demands,
		rule(or(staffOf("community"), and(isResident, `resident = @request.auth.id`))),
		rule(or(staffOf("community"), and(isResident, `resident = @request.auth.id`))),
		// a resident asks about a unit they live in; the hook makes them the asker
		rule(or(deskOf("community"), and(isResident, livesIn("unit.unit_residents_via_unit")))),
		rule(deskOf("community")), nil,
	)
	if err := app.Save(demands); err != nil {
		return fmt.Errorf("service_demands: %w", err)
	}

	wo := core.NewBaseCollection("work_orders")
	wo.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, false),
		rel("building", buildings, false),
		text("location", false, 200),
		rel("requester", residents, false),
		text("contact_name", true, 50),
		&core.TextField{Name: "contact_phone", Required: true, Pattern: PhonePattern, Max: 20},
		choice("kind", true, WorkKinds...),
		choice("category", true, WorkCategories...),
		rel("service_item", items, false),
		text("description", true, 2000),
		&core.FileField{Name: "photos", MaxSelect: 6, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "image/heic"}},
		timestamp("appointment_at"),
		choice("dispatch_mode", false, "assign", "pool"),
		rel("technician", staff, false),
		rel("receiver", staff, false),
		choice("status", true, WorkStatuses...),
		timestamp("received_at"),
		timestamp("reply_due"), // intake + 15 minutes
		timestamp("replied_at"),
		timestamp("accepted_at"),
		timestamp("arrived_at"),
		choice("arrival", false, ArrivalVerdicts...),
		integer("quote_fen", false, 0),
		timestamp("quote_confirmed_at"),
		&core.JSONField{Name: "materials", MaxSize: 20000}, // [{name, qty, price_fen}]
		integer("materials_fen", false, 0),
		integer("amount_fen", false, 0),
		timestamp("started_at"),
		timestamp("completed_at"),
		choice("signoff", false, "confirmed", "rework"),
		&core.FileField{Name: "signature", MaxSelect: 1, MaxSize: 2 << 20, Protected: true, MimeTypes: []string{"image/png", "image/jpeg", "image/webp"}},
		timestamp("signed_off_at"),
		choice("payment", false, Payments...),
		timestamp("paid_at"),
		choice("revisit_method", false, RevisitMethods...),
		choice("satisfaction", false, Satisfactions...),
		text("revisit_note", false, 1000),
		timestamp("revisited_at"),
		timestamp("closed_at"),
		text("cancel_reason", false, 500),
		timestamp("cancelled_at"),
		text("damage_report", false, 2000),
		choice("source", false, WorkSources...),
		text("source_ref", false, 50),
		flag("reply_overdue"),
		flag("revisit_overdue"),
		integer("rework_round", false, 0), // 0 for a first order, 1 for its rework, …
	)
	withAutodates(wo)
	wo.AddIndex("idx_work_orders_serial", true, "serial", "serial != ''")
	wo.AddIndex("idx_work_orders_community_received", false, "community, received_at", "")
	wo.AddIndex("idx_work_orders_technician", false, "technician, status", "")
	wo.AddIndex("idx_work_orders_requester", false, "requester, status", "")
	wo.AddIndex("idx_work_orders_open", false, "status, reply_due", "")
	if err := app.Save(wo); err != nil {
		return fmt.Errorf("work_orders: %w", err)
	}
	wo.Fields.Add(&core.RelationField{Name: "rework_of", CollectionId: wo.Id, MaxSelect: 1})

	// Staff read by role: the desk, area managers, cashiers, supervisors and
	// the director see their communities' orders; a technician the orders
	// dispatched to them and the pool of their trades; engineers and security
	// the orders they are the technician of. A resident sees the orders they
	// requested.
	seesAll := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	// (:each is what matches a multi-select of the signed-in record; a plain
	// ?= against @request.auth.skills never does.)
	inPool := `(dispatch_mode = "pool" && status = "dispatched" && technician = "" && @request.auth.role = "technician" && @request.auth.skills:each ?= category)`
	staffRead := and(staffOf("community"), or(seesAll, `technician = @request.auth.id`, inPool))
	read := or(staffRead, and(isResident, `requester = @request.auth.id`))
	create := or(
		and(isResident, livesIn("unit.unit_residents_via_unit")),
		and(isStaff, `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`,
			or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`)),
	)
	// Which change whose is decided by the flow table in hooks/dispatch.go.
	setRules(wo, rule(read), rule(read), rule(create), rule(read), nil)
	if err := app.Save(wo); err != nil {
		return fmt.Errorf("work_orders rules: %w", err)
	}
	return nil
}
