package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(complaintsUp, dropper("complaint_notes", "complaints"), "0006_complaints.go")
}

// complaintsUp creates complaints and their staff-only notes, and the
// community setting for hot-complaint detection.
func complaintsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	// Hot detection: this many complaints of one category in one building
	// within 24 hours make a hot complaint (0 = the default of 3).
	communities.Fields.Add(integer("hot_threshold", false, 0))
	if err := app.Save(communities); err != nil {
		return fmt.Errorf("communities.hot_threshold: %w", err)
	}
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}

	c := core.NewBaseCollection("complaints")
	c.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, false),
		rel("building", buildings, false),
		text("location", false, 200), // for common areas, when there is no unit
		rel("resident", residents, false),
		text("contact_name", true, 50),
		&core.TextField{Name: "contact_phone", Required: true, Pattern: PhonePattern, Max: 20},
		choice("channel", true, ComplaintChannels...),
		choice("category", true, ComplaintCategories...),
		choice("level", false, ComplaintLevels...),
		text("content", true, 5000),
		&core.FileField{
			Name: "attachments", MaxSelect: 6, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"},
		},
		// A complaint about the service center itself is for the supervisor
		// and director only, and never for the staff member it is about.
		flag("about_service_center"),
		rel("subject_staff", staff, false),
		choice("status", true, ComplaintStatuses...),
		rel("handler", staff, false),
		choice("department", false, Departments...),
		rel("receiver", staff, false),
		timestamp("received_at"), // 受理时间: deadlines, the hot window and the monthly statistics count from it
		timestamp("first_response_due"),
		timestamp("reply_due"),
		timestamp("first_responded_at"),
		timestamp("replied_at"),
		timestamp("revisited_at"),
		timestamp("closed_at"),
		text("result", false, 5000),
		text("invalid_reason", false, 1000),
		choice("satisfaction", false, Satisfactions...),
		text("revisit_note", false, 1000),
		integer("reopen_count", false, 0),
		flag("first_response_overdue"),
		flag("reply_overdue"),
	)
	withAutodates(c)
	c.AddIndex("idx_complaints_serial", true, "serial", "serial != ''")
	c.AddIndex("idx_complaints_community_received", false, "community, received_at", "")
	c.AddIndex("idx_complaints_resident", false, "resident, created", "")
	c.AddIndex("idx_complaints_hot", false, "building, category, received_at", "")
	c.AddIndex("idx_complaints_open", false, "status, reply_due", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	// Hot complaints of one cluster point at its earliest complaint (a
	// self-relation, so added once the collection has its id).
	c.Fields.Add(&core.RelationField{Name: "hot_group", CollectionId: c.Id, MaxSelect: 1})

	// Staff read by role: the desk, area managers, supervisors and the
	// director see their communities' complaints; anyone else (technicians,
	// engineers, security, cashiers) those they handle. Complaints about the
	// service center are for supervisor and director alone, and nobody sees
	// one about themselves. Residents see the complaints they filed.
	staffRead := and(staffOf("community"), complaintSeenBy(""))
	read := or(staffRead, and(isResident, `resident = @request.auth.id`))
	// Intake: a resident for a unit they currently live in; the desk,
	// supervisor or director for any unit or place of their community.
	create := or(
		and(isResident, livesIn("unit.unit_residents_via_unit")),
		and(isStaff, `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`,
			or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`)),
	)
	// Who may make which change is decided by the complaint flow table in
	// hooks/complaints.go; the rule only admits the people who may take part.
	update := or(staffRead, and(isResident, `resident = @request.auth.id`))
	setRules(c, rule(read), rule(read), rule(create), rule(update), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("complaints rules: %w", err)
	}

	notes := core.NewBaseCollection("complaint_notes")
	notes.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: c.Id, Required: true, MaxSelect: 1},
		rel("author", staff, false),
		text("note", true, 2000),
	)
	withCreated(notes)
	notes.AddIndex("idx_complaint_notes_complaint", false, "complaint, created", "")
	// Internal notes live apart from the complaint so that no resident can
	// read them, filter or sort on them: staff who can see the complaint
	// read and add them; nobody edits or deletes them.
	noteStaff := and(isStaff, `complaint.id != ""`,
		`@request.auth.communities.id ?= complaint.community`, complaintSeenBy("complaint."))
	setRules(notes, rule(noteStaff), rule(noteStaff), rule(and(noteStaff, `@request.body.author = @request.auth.id`)), nil, nil)
	if err := app.Save(notes); err != nil {
		return fmt.Errorf("complaint_notes: %w", err)
	}
	return nil
}
