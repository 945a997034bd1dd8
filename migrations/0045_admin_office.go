package migrations

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(adminOfficeUp, adminOfficeDown, "0045_admin_office.go")
}

// Complaints about the service center go to the administration office
// (行政人事部): "對客戶服務中心之投訴交由行政人事部受理" ([003] 2.2.8). The
// staff role admin_office reads, takes in and handles them — and only them;
// the service center's own staff, its supervisor included, no longer see
// them; the director sees all (docs/DESIGN.md, "Complaints").
//
// adminOfficeUp adds the role to staff.role, and sets the rules that read
// complaints through complaintSeenByOffice: complaints, their notes and the
// events. The rules that admitted every role but the technicians (deposit
// movements, vacant-unit patrols, keys and key loans) leave the office out
// as well: it has no part in them.
func adminOfficeUp(app core.App) error {
	err := changeCollection(app, "staff", "staff.role", func(c *core.Collection) error {
		f, ok := c.Fields.GetByName("role").(*core.SelectField)
		if !ok {
			return fmt.Errorf("staff.role is not a select field")
		}
		if !slices.Contains(f.Values, "admin_office") {
			f.Values = append(f.Values, "admin_office")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := setComplaintRules(app, complaintSeenByOffice, complaintCreateByOffice); err != nil {
		return err
	}
	return notTechnicianRules(app, notTechnician, notTechnicianNorOffice)
}

func adminOfficeDown(app core.App) error {
	if err := notTechnicianRules(app, notTechnicianNorOffice, notTechnician); err != nil {
		return err
	}
	if err := setComplaintRules(app, complaintSeenBy, complaintCreate); err != nil {
		return err
	}
	return changeCollection(app, "staff", "staff.role", func(c *core.Collection) error {
		if f, ok := c.Fields.GetByName("role").(*core.SelectField); ok {
			f.Values = slices.DeleteFunc(f.Values, func(v string) bool { return v == "admin_office" })
		}
		return nil
	})
}

const (
	notTechnician          = `@request.auth.role != "technician"`
	notTechnicianNorOffice = `(@request.auth.role != "technician" && @request.auth.role != "admin_office")`
)

// complaintDesk are the staff who take in any complaint of their community
// (migration 0006).
var complaintDesk = and(isStaff, `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)

// complaintCreate is the create rule of complaints of migration 0006: a
// resident for a unit they currently live in; the desk, supervisor or
// director for any unit or place of their community.
func complaintCreate() string {
	return or(
		and(isResident, livesIn("unit.unit_residents_via_unit")),
		and(complaintDesk, or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`)),
	)
}

// complaintCreateByOffice is complaintCreate from migration 0045 on: the
// administration office also takes in complaints, those about the service
// center ([003] 2.2.8).
func complaintCreateByOffice() string {
	office := and(isStaff, `@request.auth.role = "admin_office"`, `@request.body.about_service_center = true`)
	return or(
		and(isResident, livesIn("unit.unit_residents_via_unit")),
		and(or(complaintDesk, office), or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`)),
	)
}

// setComplaintRules sets the rules of complaints, complaint_notes and events
// that read complaints through seenBy (migrations 0006, 0034).
func setComplaintRules(app core.App, seenBy func(path string) string, create func() string) error {
	err := changeCollection(app, "complaints", "complaints rules", func(c *core.Collection) error {
		staffRead := and(staffOf("community"), seenBy(""))
		read := or(staffRead, and(isResident, `resident = @request.auth.id`))
		c.ListRule, c.ViewRule, c.UpdateRule = rule(read), rule(read), rule(read)
		c.CreateRule = rule(create())
		return nil
	})
	if err != nil {
		return err
	}
	err = changeCollection(app, "complaint_notes", "complaint_notes rules", func(c *core.Collection) error {
		noteStaff := and(isStaff, `complaint.id != ""`,
			`@request.auth.communities.id ?= complaint.community`, seenBy("complaint."))
		c.ListRule, c.ViewRule = rule(noteStaff), rule(noteStaff)
		c.CreateRule = rule(and(noteStaff, `@request.body.author = @request.auth.id`))
		return nil
	})
	if err != nil {
		return err
	}
	return changeCollection(app, "events", "events rules", func(c *core.Collection) error {
		c.ListRule, c.ViewRule = rule(eventReadRuleOf(seenBy)), rule(eventReadRuleOf(seenBy))
		return nil
	})
}

// notTechnicianRules replaces from by to in the read rules of the
// collections every role but the technicians read.
func notTechnicianRules(app core.App, from, to string) error {
	for _, name := range []string{"deposit_movements", "vacancy_patrols", "keys", "key_loans"} {
		err := changeCollection(app, name, name+" rules", func(c *core.Collection) error {
			for _, r := range []**string{&c.ListRule, &c.ViewRule} {
				// notTechnician is part of notTechnicianNorOffice: a rule
				// is changed up only once, and down only if it was.
				if *r != nil && strings.Contains(**r, notTechnicianNorOffice) == (from == notTechnicianNorOffice) {
					*r = rule(strings.ReplaceAll(**r, from, to))
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
