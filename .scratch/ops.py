import re,sys
t=open(sys.argv[1]).read().split('\n')
# parse box grid: find each box's top-left by '┌' and collect text until '└'
boxes=[]
for i,l in enumerate(t):
    for m in re.finditer('┌', l):
        c=m.start()
        # width: find matching '┐'
        e=l.find('┐', c)
        if e<0: continue
        body=[]
        for j in range(i+1, min(len(t), i+60)):
            seg=t[j][c:e+1]
            if seg.startswith('└'): break
            body.append(seg.strip('│').strip())
        name=body[0] if body else ''
        tm=[b for b in body if re.fullmatch(r'\(?\d+\.\d+s\)?', b)]
        rows=[b for b in body if 'rows' in b]
        if tm:
            boxes.append((float(tm[-1].strip('()s')), name, rows[-1] if rows else ''))
for b in sorted(boxes, reverse=True)[:40]: print(b)
