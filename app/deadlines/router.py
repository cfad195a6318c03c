"""/api/deadlines, /api/reminders and in-app notifications (filled in by the reminders work)."""

from fastapi import APIRouter

router = APIRouter(tags=["deadlines"])
