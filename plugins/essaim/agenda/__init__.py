"""Agenda: iCalendar feeds (with recurrence) and Atom feeds of new events and actors."""
