package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(hotWorkUp, dropper("hot_work_permits"), "0016_hot_work.go")
}

// hotWorkUp creates hot-work permits (动火证).
func hotWorkUp(app core.App) error {
	r, err := app.FindCollectionByNameOrId("renovations")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	h := core.NewBaseCollection("hot_work_permits")
	h.Fields.Add(
		&core.RelationField{Name: "renovation", CollectionId: r.Id, Required: true, MaxSelect: 1},
		text("serial", false, 30),
		text("operator_name", true, 50),
		text("operator_cert", true, 50), // the welder's operating certificate
		text("place", true, 200),
		&core.DateField{Name: "window_start", Required: true},
		&core.DateField{Name: "window_end", Required: true},
		choice("status", true, HotWorkStatuses...),
		rel("security_by", staff, false),
		rel("center_by", staff, false),
		rel("approved_by", staff, false),
		text("reject_reason", false, 1000),
	)
	withAutodates(h)
	h.AddIndex("idx_hot_work_renovation", false, "renovation, status", "")
	h.AddIndex("idx_hot_work_serial", true, "serial", "serial != ''")
	officeRoles := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "security" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	read := or(and(staffOf("renovation.community"), officeRoles), and(isResident, `renovation.applicant = @request.auth.id`))
	create := or(and(staffOf("renovation.community"), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor")`),
		and(isResident, `renovation.applicant = @request.auth.id`))
	setRules(h, rule(read), rule(read), rule(create), rule(and(staffOf("renovation.community"), officeRoles)), nil)
	return app.Save(h)
}
