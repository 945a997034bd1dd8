package hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestComplaintsAboutTheCenterGoToTheAdminOffice: "所有投訴類均由客戶服務中心受
// 理……（對客戶服務中心之投訴交由行政人事部受理）" ([003] 2.2.8). A complaint
// about the service center or its staff is the administration office's
// (admin_office): it is told of it, reads it and its timeline, is assigned
// it, answers it, revisits and closes it through the API. The service
// center's supervisor no longer sees it; the director sees all; the office
// sees no other complaint, takes in only complaints about the service
// center, and cannot be made the handler of another one.
func TestComplaintsAboutTheCenterGoToTheAdminOffice(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	desk := staffRec(t, app, "frontdesk@example.com")
	hr := staffRec(t, app, "hr@example.com")
	about := fileComplaint(t, app, desk, "1-203", "staff_attitude", map[string]any{
		"about_service_center": true, "subject_staff": staffRec(t, app, "cashier@example.com").Id,
	})
	other := fileComplaint(t, app, desk, "1-204", "cleaning", nil)

	// Told at intake: the office and the director, not the supervisor.
	told := func(email string) bool {
		n, err := app.CountRecords("notifications", dbx.HashExp{"recipient_staff": testapp.ID(t, "staff:"+email),
			"subject_id": about.Id, "kind": "complaint_about_center"})
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	for email, want := range map[string]bool{"hr@example.com": true, "director@example.com": true, "supervisor@example.com": false} {
		if got := told(email); got != want {
			t.Errorf("%s told of the complaint about the service center: %v, want %v", email, got, want)
		}
	}

	view := func(id, who string) int {
		code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+id, "", who)
		return code
	}
	for _, v := range []struct {
		id, who string
		want    int
	}{
		{about.Id, "hr@example.com", 200},
		{about.Id, "director@example.com", 200},
		{about.Id, "supervisor@example.com", 404}, // no longer the service center's
		{about.Id, "frontdesk@example.com", 404},
		{about.Id, "cashier@example.com", 404}, // the staff member it is about
		{other.Id, "hr@example.com", 404},      // not about the service center
		{other.Id, "supervisor@example.com", 200},
		{other.Id, "director@example.com", 200},
	} {
		if got := view(v.id, v.who); got != v.want {
			t.Errorf("%s viewing %s: %d, want %d", v.who, v.id, got, v.want)
		}
	}
	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500", "", "hr@example.com")
	if !strings.Contains(body, about.Id) || strings.Contains(body, other.Id) {
		t.Errorf("the office's list: %s", body)
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500", "", "supervisor@example.com")
	if strings.Contains(body, about.Id) {
		t.Error("the supervisor lists the complaint about the service center")
	}

	// Handled by the office, step by step, through the records API.
	patch := func(id, who, body string) (int, string) {
		return testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+id, body, who)
	}
	if code, body := patch(about.Id, "supervisor@example.com", `{"status":"assigned","handler":"`+hr.Id+`"}`); code != 404 {
		t.Errorf("the supervisor assigned it: %d %s", code, body)
	}
	if code, body := patch(about.Id, "hr@example.com", `{"status":"assigned","handler":"`+testapp.ID(t, "staff:tech1@example.com")+`"}`); code != 400 || !strings.Contains(body, "行政人事部") {
		t.Errorf("assigned to a technician: %d %s", code, body)
	}
	for _, s := range []struct{ body, status string }{
		{`{"status":"assigned","handler":"` + hr.Id + `","department":"administration"}`, "assigned"},
		{`{"status":"processing"}`, "processing"},
		{`{"status":"replied","result":"已约谈收费员并向业主致歉"}`, "replied"},
		{`{"status":"revisited","satisfaction":"satisfied"}`, "revisited"},
		{`{"status":"closed"}`, "closed"},
	} {
		if code, body := patch(about.Id, "hr@example.com", s.body); code != 200 || !strings.Contains(body, `"status":"`+s.status+`"`) {
			t.Fatalf("the office → %s: %d %s", s.status, code, body)
		}
	}
	// Its timeline is the office's too, not the supervisor's.
	timeline := "/api/collections/events/records?perPage=200&filter=" + url.QueryEscape(`complaint="`+about.Id+`"`)
	if _, body := testapp.Do(t, h, http.MethodGet, timeline, "", "hr@example.com"); !strings.Contains(body, `"to":"closed"`) {
		t.Errorf("the office's timeline: %s", body)
	}
	if _, body := testapp.Do(t, h, http.MethodGet, timeline, "", "supervisor@example.com"); !strings.Contains(body, `"totalItems":0`) {
		t.Errorf("the supervisor's timeline: %s", body)
	}

	// Not the office's: it cannot act on another complaint, nor be its handler.
	if code, body := patch(other.Id, "hr@example.com", `{"status":"assigned","handler":"`+hr.Id+`"}`); code != 404 {
		t.Errorf("the office assigned another complaint: %d %s", code, body)
	}
	if code, body := patch(other.Id, "frontdesk@example.com", `{"status":"assigned","handler":"`+hr.Id+`"}`); code != 400 || !strings.Contains(body, "行政人事部只处理") {
		t.Errorf("another complaint assigned to the office: %d %s", code, body)
	}
	if _, err := hooks.AdvanceComplaint(app, other.Id, hr, "invalid", map[string]any{"invalid_reason": "非物业事项"}); err == nil {
		t.Error("the office closed a complaint not about the service center as invalid")
	}

	// Intake: the office takes in complaints about the service center only.
	intake := func(aboutCenter bool) (int, string) {
		b := `{"unit":"` + testapp.ID(t, "unit:1-301") + `","channel":"visit","category":"staff_attitude","content":"前台办事拖拉",` +
			`"contact_name":"业主","contact_phone":"13700000001","about_service_center":` + map[bool]string{true: "true", false: "false"}[aboutCenter] + `}`
		return testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", b, "hr@example.com")
	}
	if code, body := intake(true); code != 200 || !strings.Contains(body, `"receiver":"`+hr.Id+`"`) {
		t.Errorf("the office takes in a complaint about the service center: %d %s", code, body)
	}
	if code, body := intake(false); code == 200 {
		t.Errorf("the office took in another complaint: %d %s", code, body)
	}
}
