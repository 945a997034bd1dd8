package hooks

import (
	"database/sql"
	"net/http"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// The household file of a community (or one building) as .xlsx, for the
// director only (docs/DESIGN.md § Household files; [004] 三 2.6: the
// confidential papers are lent under reading rights, and a copy leaving the
// office is the director's decision). ID numbers are masked unless the
// director asks for them in full (full=1); every export is an event of the
// community, naming the building and whether the numbers were full.

var (
	memberRelationTexts = map[string]text{"owner": {"业主", "Owner"}, "spouse": {"配偶", "Spouse"}, "child": {"子女", "Child"},
		"parent": {"父母", "Parent"}, "sibling": {"兄弟姐妹", "Sibling"}, "relative": {"其他亲属", "Relative"},
		"tenant": {"租户", "Tenant"}, "other": {"其他", "Other"}}
	idTypeTexts = map[string]text{"resident_id": {"居民身份证", "Resident ID card"}, "passport": {"护照", "Passport"},
		"hk_macao": {"港澳通行证", "HK/Macao permit"}, "taiwan": {"台胞证", "Taiwan permit"},
		"foreign_permanent": {"外国人永久居留证", "Foreign permanent residence card"}, "other": {"其他", "Other"}}
)

var householdExport = export{
	title: text{"业主档案", "Household files"},
	cols: []col{tc("楼栋", "Building", colText), tc("房号", "Unit", colText), tc("姓名", "Name", colText),
		wc("关系", "Relation", memberRelationTexts), tc("出生年份", "Born", colInt), {head: text{"电话", "Phone"}, width: 14},
		wc("证件类型", "ID type", idTypeTexts), {head: text{"证件号码", "ID number"}, width: 20},
		{head: text{"车辆", "Vehicles"}, width: 20}, tc("紧急联系人", "Emergency contact", colText),
		{head: text{"紧急联系电话", "Emergency phone"}, width: 14}, tc("租期开始", "Lease start", colDate), tc("租期结束", "Lease end", colDate)},
}

const householdExportQuery = `SELECT b.name, u.number, COALESCE(NULLIF(m.name, ''), r.name, ''), m.relation, m.birth_year,
		COALESCE(NULLIF(m.phone, ''), r.phone, ''), m.id_type, m.id_no,
		COALESCE((SELECT group_concat(v.plate, ' ') FROM vehicles v WHERE v.unit = u.id AND v.active = 1), ''),
		COALESCE(f.emergency_name, ''), COALESCE(f.emergency_phone, ''), COALESCE(f.lease_start, ''), COALESCE(f.lease_end, '')
	FROM household_members m JOIN units u ON u.id = m.unit JOIN buildings b ON b.id = u.building
		LEFT JOIN residents r ON r.id = m.resident LEFT JOIN household_files f ON f.unit = u.id
	WHERE m.community = {:c} AND m.active = 1 AND ({:b} = '' OR u.building = {:b})
	ORDER BY b.code, u.number, m.relation != 'owner', m.created`

func registerHouseholdExport(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/households/export", exportHouseholds).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// exportHouseholds answers GET /api/wuye/households/export?community=…
// [&building=…][&full=1].
func exportHouseholds(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	community, building, full := q.Get("community"), q.Get("building"), q.Get("full") == "1"
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, RoleDirector) && servesCommunity(e.Auth, community)) {
		return apis.NewForbiddenError("", nil)
	}
	c, err := e.App.FindRecordById("communities", community)
	if err != nil {
		return apis.NewNotFoundError("", nil)
	}
	period := c.GetString("code")
	if building != "" {
		b, err := e.App.FindRecordById("buildings", building)
		if err != nil || b.GetString("community") != community {
			return badRequest(validation.Errors{"building": codedError("wuye_community_mismatch")})
		}
		period += "-" + b.GetString("code")
	}
	lang := requestLang(e.Request)
	rows := [][]any{}
	err = e.App.RunInTransaction(func(tx core.App) error {
		q, err := tx.DB().NewQuery(householdExportQuery).Bind(dbx.Params{"c": community, "b": building}).Rows()
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var s [13]sql.NullString
			ptrs := make([]any, len(s))
			for i := range s {
				ptrs[i] = &s[i]
			}
			if err := q.Scan(ptrs...); err != nil {
				return err
			}
			row := make([]any, len(s))
			for i := range s {
				row[i] = s[i].String
			}
			if id := s[7].String; id != "" && !full {
				row[7] = MaskIDNumber(id)
			}
			if s[4].String == "0" {
				row[4] = ""
			}
			rows = append(rows, row)
		}
		if err := q.Err(); err != nil {
			return err
		}
		note := "household export " + period
		if full {
			note += " (full ID numbers)"
		}
		return RecordEvent(tx, Event{Subject: c, Action: "export", Actor: e.Auth, Note: note})
	})
	if err != nil {
		return err
	}
	f, err := sheetOf(e.App, householdExport, nil, rows, lang)
	if err != nil {
		return err
	}
	defer f.Close()
	name := householdExport.title.in(lang) + "_" + period + "_" + today() + ".xlsx"
	e.Response.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	e.Response.Header().Set("Cache-Control", "private, no-store")
	e.Response.Header().Set("Content-Disposition", attachment("households_"+today()+".xlsx", name))
	e.Response.WriteHeader(http.StatusOK)
	return f.Write(e.Response)
}
