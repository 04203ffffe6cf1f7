"""nhandao: công tác nhân đạo minh bạch, từ Trung ương đến cơ sở."""
