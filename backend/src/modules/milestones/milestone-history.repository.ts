import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface SubmissionRecord {
  id: string;
  milestoneId: string;
  note: string;
  links: string[];
  createdAt: Date;
}

export interface ChangeRequestRecord {
  id: string;
  milestoneId: string;
  note: string;
  createdAt: Date;
}

/** Deliverables submitted for milestones and the company's change requests (append-only history). */
@Injectable()
export class MilestoneHistoryRepository {
  constructor(private readonly ds: DataSource) {}

  async addSubmission(em: EntityManager, milestoneId: string, note: string, links: string[]): Promise<void> {
    await em.query(`INSERT INTO milestone_submissions (milestone_id, note, links) VALUES ($1, $2, $3)`, [milestoneId, note, JSON.stringify(links)]);
  }

  async addChangeRequest(em: EntityManager, milestoneId: string, note: string): Promise<void> {
    await em.query(`INSERT INTO milestone_change_requests (milestone_id, note) VALUES ($1, $2)`, [milestoneId, note]);
  }

  async forMilestones(ids: string[]): Promise<{ submissions: SubmissionRecord[]; changeRequests: ChangeRequestRecord[] }> {
    if (!ids.length) return { submissions: [], changeRequests: [] };
    const [submissions, changeRequests] = await Promise.all([
      this.ds.query(
        `SELECT id, milestone_id AS "milestoneId", note, links, created_at AS "createdAt" FROM milestone_submissions
          WHERE milestone_id = ANY($1::uuid[]) ORDER BY created_at, id`,
        [ids],
      ),
      this.ds.query(
        `SELECT id, milestone_id AS "milestoneId", note, created_at AS "createdAt" FROM milestone_change_requests
          WHERE milestone_id = ANY($1::uuid[]) ORDER BY created_at, id`,
        [ids],
      ),
    ]);
    return { submissions, changeRequests };
  }
}
