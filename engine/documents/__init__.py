"""Official documents: Tờ trình, Biên bản họp Hội đồng, Danh sách đề nghị, Quyết định; XLSX.

DOCX templates live in ``workflows/templates/`` (edited by the agency in Word, see its README);
``context.py`` reads what goes into them, ``render.py`` fills them, ``jobs.py`` runs large
batches in the background.
"""
