package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(jobCandidatesUp, jobCandidatesDown, "0087_job_candidates.go")
}

// jobCandidateIndexes are the scheduled jobs' candidate indexes (issue #23):
// a job reads what it has to do in pages by id (hooks/base_jobs.go,
// eachCandidate: … WHERE <open> AND id > {last} ORDER BY id LIMIT n), and
// without an index of the open records in id order SQLite walks the whole
// primary-key index — a million complaints or work orders — to find the few
// that are late. Each index holds only the records the job can act on (the
// open complaints, the finished orders not yet revisited, the open bills,
// the open and missed patrol tasks, the links with an end date), so it
// stays small however long the history grows; the jobs' queries carry
// the index's condition word for word, which is how SQLite knows it may use
// a partial index.
var jobCandidateIndexes = []struct{ collection, name, where string }{
	{"complaints", "idx_complaints_job_open", "status IN ('received','assigned','processing')"},
	{"work_orders", "idx_work_orders_job_revisit", "status IN ('completed','signed_off') AND revisit_overdue = FALSE"},
	{"bills", "idx_bills_job_open", "status IN ('issued','partially_paid')"},
	{"patrol_tasks", "idx_patrol_tasks_job_open", "status = 'open'"},
	{"patrol_tasks", "idx_patrol_tasks_job_missed", "status = 'missed' AND escalated = FALSE"},
	{"unit_residents", "idx_unit_residents_job_ending", "active = TRUE AND until != ''"},
}

func jobCandidatesUp(app core.App) error {
	for _, ix := range jobCandidateIndexes {
		col, err := app.FindCollectionByNameOrId(ix.collection)
		if err != nil {
			return err
		}
		col.AddIndex(ix.name, false, "id", ix.where)
		if err := app.Save(col); err != nil {
			return err
		}
	}
	return nil
}

func jobCandidatesDown(app core.App) error {
	for _, ix := range jobCandidateIndexes {
		col, err := app.FindCollectionByNameOrId(ix.collection)
		if err != nil {
			return err
		}
		col.RemoveIndex(ix.name)
		if err := app.Save(col); err != nil {
			return err
		}
	}
	return nil
}
