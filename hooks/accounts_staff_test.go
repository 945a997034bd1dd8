package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
	"wuye/migrations"
)

// Issue #16, item 7: staff do not set their own name or skills; the
// director sets names, the director and the supervisor skills
// (hooks/accounts_staff.go, migrations/0031_staff_profiles.go).

// Every staff account tries to rename itself and to give itself every
// trade; only the director may do both, the supervisor only the skills.
func TestStaffOwnNameAndSkills(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	staff, err := app.FindAllRecords("staff", dbx.HashExp{"active": true})
	if err != nil {
		t.Fatal(err)
	}
	every, _ := json.Marshal(migrations.WorkCategories)
	all := string(every)
	roles := map[string]bool{}
	tried, held := 0, 0
	for _, s := range staff {
		role := s.GetString("role")
		roles[role] = true
		for _, c := range []struct {
			field, body, refusal string
			may                  bool
		}{
			{"name", `{"name":"管理处主任"}`, "只有管理处主任可以修改员工姓名", role == "director"},
			{"skills", `{"skills":` + all + `}`, "只有管理处主任或客服主管可以修改员工的工种", role == "director" || role == "supervisor"},
		} {
			before, _ := app.FindRecordById("staff", s.Id)
			tried++
			code, body := doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+s.Id, c.body, s.Email())
			after, _ := app.FindRecordById("staff", s.Id)
			changed := fmt.Sprint(before.Get(c.field)) != fmt.Sprint(after.Get(c.field))
			switch {
			case c.may && code == 200 && changed:
				held++
			case !c.may && code == 400 && !changed && strings.Contains(body, c.refusal):
				held++
			default:
				t.Errorf("%s (%s) sets own %s: %d %s (changed %v, may %v)", s.Email(), role, c.field, code, body, changed, c.may)
			}
		}
	}
	if len(roles) < 8 {
		t.Errorf("only roles %v tried", roles)
	}
	t.Logf("staff own name and skills: tried %d, held %d, lost %d (%d accounts)", tried, held, tried-held, len(staff))

	// English on request.
	tech := testapp.ID(t, "staff:tech2@example.com")
	code, body := doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"skills":["carpentry"]}`, "tech2@example.com", "Accept-Language", "en")
	expectBody(t, "in English", code, body, 400, "Only a director or a supervisor may change")
}

// The supervisor sets the skills of their community's staff, and nothing
// else of them; another community's supervisor nothing at all; the
// director sets names.
func TestSupervisorSetsSkillsOnly(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tech := testapp.ID(t, "staff:tech1@example.com")
	skills := func() []string {
		r, _ := app.FindRecordById("staff", tech)
		return r.GetStringSlice("skills")
	}
	code, body := doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"skills":["electrical","carpentry"]}`, "supervisor@example.com")
	expectBody(t, "the supervisor sets skills", code, body, 200)
	if got := skills(); !slices.Equal(got, []string{"electrical", "carpentry"}) {
		t.Fatalf("skills %v", got)
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": tech, "actor_staff": testapp.ID(t, "staff:supervisor@example.com")}); n != 1 {
		t.Errorf("the change is not recorded (%d events)", n)
	}
	for _, b := range []string{`{"phone":"13911110000"}`, `{"name":"张三"}`, `{"email":"tech.new@example.com"}`, `{"skills":["plumbing"],"phone":"13911110000"}`} {
		before, _ := app.FindRecordById("staff", tech)
		code, body := doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, b, "supervisor@example.com")
		after, _ := app.FindRecordById("staff", tech)
		if code != 400 || fmt.Sprint(before.PublicExport()) != fmt.Sprint(after.PublicExport()) {
			t.Errorf("the supervisor sends %s for a technician: %d %s", b, code, body)
		}
	}
	code, body = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"skills":["plumbing"]}`, "supervisor.yx@example.com")
	expectBody(t, "another community's supervisor", code, body, 404)
	code, body = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"skills":["plumbing"]}`, "frontdesk@example.com")
	expectBody(t, "the front desk", code, body, 404)
	code, body = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"name":"刘师傅","skills":["plumbing"]}`, "director@example.com")
	expectBody(t, "the director", code, body, 200, `"name":"刘师傅"`)
	// A member of staff changes their own phone, but through a code sent
	// to the new number (issue #16 item 12, hooks/accounts_phone.go), not
	// by writing the field.
	code, body = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"phone":"13911112222"}`, "tech1@example.com")
	expectBody(t, "own phone", code, body, 400, "wuye_phone_needs_code")
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/phone-change", `{"phone":"13911112222"}`, "tech1@example.com")
	expectBody(t, "own phone by code", code, body, 200)
}
