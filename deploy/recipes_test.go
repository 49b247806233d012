package deploy_test

import (
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// job is what the test reads of a Kubernetes Job.
type job struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string      `yaml:"restartPolicy"`
				Containers    []container `yaml:"containers"`
				Volumes       []struct {
					Name string `yaml:"name"`
					PVC  struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type container struct {
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, v), "%s", file)
}

// claimDir returns the directory at which c mounts the volume of j that is
// claimName's PVC, or "".
func claimDir(j *job, c *container, claimName string) string {
	for _, v := range j.Spec.Template.Spec.Volumes {
		if v.PVC.ClaimName != claimName {
			continue
		}
		for _, m := range c.VolumeMounts {
			if m.Name == v.Name {
				return m.MountPath
			}
		}
	}
	return ""
}

// flagValue returns the value after flag in args, or "".
func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

func TestKubernetesRecipe(t *testing.T) {
	var pvc struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec struct {
			AccessModes []string `yaml:"accessModes"`
		} `yaml:"spec"`
	}
	var shards, merge job
	readYAML(t, "kubernetes/pvc.yaml", &pvc)
	readYAML(t, "kubernetes/shards-job.yaml", &shards)
	readYAML(t, "kubernetes/merge-job.yaml", &merge)

	if pvc.Kind != "PersistentVolumeClaim" || !slices.Contains(pvc.Spec.AccessModes, "ReadWriteMany") {
		t.Errorf("pvc.yaml: got kind %q, access modes %v; want a ReadWriteMany PersistentVolumeClaim (pods on several nodes write to it)", pvc.Kind, pvc.Spec.AccessModes)
	}
	s := &shards.Spec
	if shards.Kind != "Job" || s.CompletionMode != "Indexed" || s.Completions < 1 || s.Parallelism != s.Completions {
		t.Errorf("shards-job.yaml: got kind %q, completionMode %q, completions %d, parallelism %d; want an Indexed Job with parallelism = completions",
			shards.Kind, s.CompletionMode, s.Completions, s.Parallelism)
	}
	if s.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("shards-job.yaml: restartPolicy %q, want Never (a failed pod is retried with its index)", s.Template.Spec.RestartPolicy)
	}
	if len(s.Template.Spec.Containers) != 1 || len(merge.Spec.Template.Spec.Containers) != 1 {
		t.Fatal("want one container in each Job")
	}
	sc := &s.Template.Spec.Containers[0]
	completions := ""
	for _, e := range sc.Env {
		if e.Name == "JOB_COMPLETIONS" {
			completions = e.Value
		}
	}
	if completions != strconv.Itoa(s.Completions) {
		t.Errorf("shards-job.yaml: JOB_COMPLETIONS=%q, want %d, the Job's completions: domino takes the shard count from it", completions, s.Completions)
	}
	if len(sc.Args) == 0 || sc.Args[0] != "run" || flagValue(sc.Args, "--shard") != "auto" {
		t.Errorf("shards-job.yaml: args %q: want 'run ... --shard auto', so that the shard comes from the Job's index (without it every pod runs all the trials)", sc.Args)
	}
	out := flagValue(sc.Args, "-o")
	shardDir := claimDir(&shards, sc, pvc.Metadata.Name)
	if shardDir == "" || !strings.Contains(out, "$(JOB_COMPLETION_INDEX)") || !strings.HasPrefix(out, shardDir+"/") {
		t.Errorf("shards-job.yaml: -o %q: want a path with $(JOB_COMPLETION_INDEX) under the mount of claim %q (%q)", out, pvc.Metadata.Name, shardDir)
	}

	mc := &merge.Spec.Template.Spec.Containers[0]
	mergeDir := claimDir(&merge, mc, pvc.Metadata.Name)
	script := strings.Join(append(slices.Clone(mc.Command), mc.Args...), " ")
	m := regexp.MustCompile(`domino merge (\S+) -o (\S+)`).FindStringSubmatch(script)
	if m == nil || mergeDir != shardDir {
		t.Fatalf("merge-job.yaml: %q mounting claim %q at %q: want 'domino merge PARTS -o FILE' on the shards' volume at %q", script, pvc.Metadata.Name, mergeDir, shardDir)
	}
	for i := range s.Completions {
		part := strings.ReplaceAll(out, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i))
		if ok, _ := path.Match(m[1], part); !ok {
			t.Errorf("merge-job.yaml: %s does not match part %s", m[1], part)
		}
	}
	if !strings.HasPrefix(m[2], mergeDir+"/") {
		t.Errorf("merge-job.yaml: result %s is not on the shared volume %s", m[2], mergeDir)
	}
}

// sbatch returns the #SBATCH options of a script and its lines that are
// not comments.
func sbatch(t *testing.T, file string) (opts map[string]string, body string) {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	opts = map[string]string{}
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "#SBATCH "); ok {
			k, v, _ := strings.Cut(strings.TrimSpace(rest), "=")
			opts[k] = v
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue // comments may mention what the commands must not do
		}
		lines = append(lines, line)
	}
	return opts, strings.Join(lines, "\n")
}

func TestSlurmRecipe(t *testing.T) {
	shardOpts, shardBody := sbatch(t, "slurm/shards.sbatch")
	m := regexp.MustCompile(`^(\d+)-(\d+)(%\d+)?$`).FindStringSubmatch(shardOpts["--array"])
	if m == nil {
		t.Fatalf("shards.sbatch: --array=%q, want a range lo-hi: domino maps task ids to shards through SLURM_ARRAY_TASK_MIN and COUNT", shardOpts["--array"])
	}
	lo, _ := strconv.Atoi(m[1])
	hi, _ := strconv.Atoi(m[2])
	run := regexp.MustCompile(`domino run .*-o "?([^"\s]+)"?`).FindStringSubmatch(strings.ReplaceAll(shardBody, "\\\n", " "))
	if run == nil || !regexp.MustCompile(`domino run .*--shard auto\b`).MatchString(strings.ReplaceAll(shardBody, "\\\n", " ")) {
		t.Fatalf("shards.sbatch: want 'domino run ... --shard auto ... -o PART', so that the shard comes from the array (without it every task runs all the trials)")
	}
	assert.Contains(t, run[1], "${SLURM_ARRAY_TASK_ID}", "shards.sbatch: -o %s: want one file per task, named by ${SLURM_ARRAY_TASK_ID}", run[1])

	_, mergeBody := sbatch(t, "slurm/merge.sbatch")
	mm := regexp.MustCompile(`domino merge (\S+) -o (\S+)`).FindStringSubmatch(mergeBody)
	if mm == nil {
		t.Fatal("merge.sbatch: want 'domino merge PARTS -o FILE'")
	}
	for id := lo; id <= hi; id++ {
		part := strings.ReplaceAll(run[1], "${SLURM_ARRAY_TASK_ID}", strconv.Itoa(id))
		if ok, _ := path.Match(mm[1], part); !ok {
			t.Errorf("merge.sbatch: %s does not match part %s", mm[1], part)
		}
	}

	submit, err := os.ReadFile("slurm/submit.sh")
	require.NoError(t, err)
	sm := regexp.MustCompile(`(\w+)=\$\(sbatch --parsable shards\.sbatch\)\s+sbatch --dependency=afterok:"?\$\{(\w+)\}"? merge\.sbatch`).FindStringSubmatch(string(submit))
	if sm == nil || sm[1] != sm[2] {
		t.Errorf("submit.sh: want the array's job id from 'sbatch --parsable shards.sbatch' and the merge submitted with --dependency=afterok on it")
	}
}
