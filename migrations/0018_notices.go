package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(noticesUp, dropper("notices"), "0018_notices.go")
}

// noticesUp creates the community notice board and points the residents'
// password-reset mail at the portal instead of the superuser dashboard.
func noticesUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}

	n := core.NewBaseCollection("notices")
	n.Fields.Add(
		rel("community", communities, true),
		choice("category", true, NoticeCategories...),
		text("title", true, 100),
		text("body", true, 5000),
		flag("pinned"),
		rel("author", staff, false),
		timestamp("published_at"),
	)
	withAutodates(n)
	n.AddIndex("idx_notices_community_published", false, "community, published_at", "")
	// Residents read their own communities' board; the desk, supervisors and
	// the director post on it. Notices are kept: a wrong one is corrected by
	// editing or unpinning, not deleted, so nobody can deny what was posted.
	desk := and(staffOf("community"), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit"))
	setRules(n, rule(read), rule(read), rule(desk), rule(desk), nil)
	if err := app.Save(n); err != nil {
		return fmt.Errorf("notices: %w", err)
	}

	// PocketBase's default reset mail links to /_/ (the superuser UI).
	residents.ResetPasswordTemplate.Body = `<p>您好 Hello,</p>
<p>请点击下面的链接重设物业客服中心的登录密码 / Click below to reset your password:</p>
<p><a class="btn" href="{APP_URL}/#/reset/{TOKEN}" target="_blank" rel="noopener">重设密码 Reset password</a></p>
<p>如果不是您本人操作，请忽略这封邮件。If you did not ask for this, ignore this mail.</p>`
	if err := app.Save(residents); err != nil {
		return fmt.Errorf("residents reset mail: %w", err)
	}
	return nil
}
